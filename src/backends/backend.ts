import type { Dependency } from '../types/dependency.js';

export type { CatalogNode, CatalogNodeServices, CatalogService, HealthCheck, HealthService, KvList } from '../types/data.js';
export type { VaultSecret, VaultSecretAuth, VaultSecretWrapInfo } from '../types/vault.js';

/**
 * A consistent read of one dependency. `cursor` is opaque to everyone but the backend that made
 * it (Consul's X-Consul-Index, etcd's revision, a content hash for file/env).
 */
export interface Snapshot {
  readonly data: unknown;
  readonly cursor: string;
}

/**
 * The one interface every backend implements (`satisfies Backend` in each file). Only
 * `src/backends/index.ts` knows every backend's name.
 *
 * - `snapshot` reads the dependency once. It rejects with a CtmplError('BACKEND') naming the
 *   address when the store cannot be read; it never resolves with partial data.
 * - `changes` yields a new snapshot each time the dependency's data changes after `cursor`, until
 *   `signal` aborts (then it returns quietly). It may throw a CtmplError('BACKEND'); the watcher
 *   (`src/runner/watcher.ts`) then backs off, re-reads and resumes. A source with no change
 *   feed waits for abort, as confd's env backend does.
 * - `supports` says whether the backend can serve a dependency type at all (e.g. only Consul
 *   serves `catalog.nodes`); an unsupported dependency is a template error, not a retry.
 */
export interface Backend {
  /** Name and address for log lines and errors, e.g. `etcd http://127.0.0.1:2379`. */
  readonly description: string;
  /** Name and address of the store that serves `dep`, where a wrapper serves some elsewhere (Vault, local files); default `description`. */
  addressOf?(dep: Dependency): string;
  supports(dep: Dependency): boolean;
  snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot>;
  changes(dep: Dependency, cursor: string, signal: AbortSignal): AsyncIterable<Snapshot>;
  close(): Promise<void>;
}
