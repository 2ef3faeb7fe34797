import type { Snapshot } from '../backends/backend.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';

/**
 * The last good snapshot of every dependency, keyed by its canonical key. Renders read `data`;
 * watches resume from `cursorOf`.
 */
export class SnapshotStore {
  readonly data = new Map<string, unknown>();
  /** The snapshots themselves: a backend may make a cursor only when it is read (Consul's digest). */
  readonly #snapshots = new Map<string, Snapshot>();

  set(dep: Dependency, snapshot: Snapshot): void {
    const key = dependencyKey(dep);
    this.data.set(key, snapshot.data);
    this.#snapshots.set(key, snapshot);
  }

  has(dep: Dependency): boolean {
    return this.data.has(dependencyKey(dep));
  }

  cursorOf(dep: Dependency): string | undefined {
    return this.#snapshots.get(dependencyKey(dep))?.cursor;
  }

  delete(key: string): void {
    this.data.delete(key);
    this.#snapshots.delete(key);
  }
}
