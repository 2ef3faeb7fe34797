import { dependencyKey, type Dependency } from '../types/dependency.js';
import type { DataReader } from './functions/context.js';

/**
 * The DataReader of one render, over the snapshots the runner holds: it records every
 * dependency read (`used`) and those without data yet (`missing`).
 */
export class SnapshotReader implements DataReader {
  readonly used = new Map<string, Dependency>();
  readonly missing = new Map<string, Dependency>();
  readonly #snapshots: ReadonlyMap<string, unknown>;

  constructor(snapshots: ReadonlyMap<string, unknown>) {
    this.#snapshots = snapshots;
  }

  read(dep: Dependency): unknown {
    const key = dependencyKey(dep);
    this.used.set(key, dep);
    if (!this.#snapshots.has(key)) {
      this.missing.set(key, dep);
      return undefined;
    }
    return this.#snapshots.get(key);
  }

  markMissing(dep: Dependency): void {
    const key = dependencyKey(dep);
    this.used.set(key, dep);
    this.missing.set(key, dep);
  }
}
