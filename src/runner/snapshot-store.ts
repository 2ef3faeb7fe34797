import type { Snapshot } from '../backends/backend.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';

/**
 * The last good snapshot of every dependency, keyed by its canonical key. Renders read `data`;
 * watches resume from `cursorOf`.
 */
export class SnapshotStore {
  readonly data = new Map<string, unknown>();
  readonly #cursors = new Map<string, string>();

  set(dep: Dependency, snapshot: Snapshot): void {
    const key = dependencyKey(dep);
    this.data.set(key, snapshot.data);
    this.#cursors.set(key, snapshot.cursor);
  }

  has(dep: Dependency): boolean {
    return this.data.has(dependencyKey(dep));
  }

  cursorOf(dep: Dependency): string | undefined {
    return this.#cursors.get(dependencyKey(dep));
  }

  delete(key: string): void {
    this.data.delete(key);
    this.#cursors.delete(key);
  }
}
