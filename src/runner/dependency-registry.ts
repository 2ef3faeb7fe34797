import type { Dependency } from '../types/dependency.js';

/**
 * One watch per distinct dependency across all resources, reference counted: the first user of
 * a dependency starts its watch, the last one to stop using it stops it.
 */
export class DependencyRegistry<User> {
  readonly #entries = new Map<string, { dep: Dependency; users: Set<User>; stop: () => void }>();
  readonly #usedBy = new Map<User, Set<string>>();
  readonly #start: (dep: Dependency) => () => void;

  /** `start` begins watching a dependency and returns the function that stops it. */
  constructor(start: (dep: Dependency) => () => void) {
    this.#start = start;
  }

  /** Replaces what `user` depends on; starts and stops watches as needed. */
  setUses(user: User, deps: ReadonlyMap<string, Dependency>): void {
    const before = this.#usedBy.get(user) ?? new Set<string>();
    for (const [key, dep] of deps) {
      if (before.has(key)) continue;
      let entry = this.#entries.get(key);
      if (!entry) {
        entry = { dep, users: new Set(), stop: () => {} };
        this.#entries.set(key, entry);
        entry.stop = this.#start(dep);
      }
      entry.users.add(user);
    }
    for (const key of before) if (!deps.has(key)) this.#release(user, key);
    this.#usedBy.set(user, new Set(deps.keys()));
  }

  /** The users of a dependency, by its key. */
  usersOf(key: string): ReadonlySet<User> {
    return this.#entries.get(key)?.users ?? new Set();
  }

  /** How many distinct dependencies are watched. */
  get size(): number {
    return this.#entries.size;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  stopAll(): void {
    for (const entry of this.#entries.values()) entry.stop();
    this.#entries.clear();
    this.#usedBy.clear();
  }

  #release(user: User, key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.users.delete(user);
    if (entry.users.size === 0) {
      entry.stop();
      this.#entries.delete(key);
    }
  }
}

