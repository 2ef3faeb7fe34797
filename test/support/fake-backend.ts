import type { Backend, Snapshot } from '../../src/backends/backend.js';
import { CtmplError } from '../../src/errors.js';
import { dependencyKey, type Dependency } from '../../src/types/dependency.js';

export type FakeState = 'up' | 'down' | 'silent';

/**
 * An in-memory Backend driven by the test: one value per dependency key, a state (`up`, `down`
 * refuses every call, `silent` accepts and never answers until the caller aborts), and a count
 * of snapshot calls. Serves every dependency type except `catalog.datacenters`.
 */
export class FakeBackend implements Backend {
  readonly description = 'fake 127.0.0.1:9';
  snapshots = 0;
  #state: FakeState = 'up';
  readonly #values = new Map<string, { data: unknown; version: number }>();
  readonly #waiters = new Set<() => void>();

  get state(): FakeState {
    return this.#state;
  }

  /** Changes the state; wakes change feeds so that they notice. */
  setState(state: FakeState): void {
    this.#state = state;
    this.#wake();
  }

  /** Sets the data of `dep` (a new version) and wakes its change feed. */
  set(dep: Dependency, data: unknown): void {
    const key = dependencyKey(dep);
    this.#values.set(key, { data, version: (this.#values.get(key)?.version ?? 0) + 1 });
    this.#wake();
  }

  supports(dep: Dependency): boolean {
    return dep.type !== 'catalog.datacenters';
  }

  async snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot> {
    this.snapshots++;
    await this.#answer(signal);
    return this.#read(dep);
  }

  async *changes(dep: Dependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    let last = cursor;
    while (!signal.aborted) {
      await this.#answer(signal);
      const current = this.#read(dep);
      if (current.cursor !== last) {
        last = current.cursor;
        yield current;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#waiters.add(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  async close(): Promise<void> {
    this.#wake();
  }

  #read(dep: Dependency): Snapshot {
    const entry = this.#values.get(dependencyKey(dep));
    return { data: entry?.data ?? null, cursor: String(entry?.version ?? 0) };
  }

  /** Resolves when the fake is up; rejects when down; when silent, waits for an abort. */
  async #answer(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#state === 'down') throw new CtmplError('BACKEND', `${this.description}: connection refused`);
    if (this.#state === 'silent') {
      await new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
    this.#waiters.clear();
  }
}
