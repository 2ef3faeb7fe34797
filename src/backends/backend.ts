import type { Dependency } from './dependency.js';

/**
 * Data shapes, per dependency type. They are the shapes consul-template's functions return,
 * so templates see `.Key .Value`, `.Name .Address .Port .Tags` whatever the backend.
 */

/** Full key ("/app/servers/web1") → value, sorted by key. */
export type KvList = ReadonlyMap<string, string>;

/** Consul's metadata of one key, as consul-template's KeyPair shows it (uint64 in Go). */
export interface KvMeta {
  readonly CreateIndex: bigint;
  readonly ModifyIndex: bigint;
  readonly LockIndex: bigint;
  readonly Flags: bigint;
  readonly Session: string;
}

const KV_META: unique symbol = Symbol('kvMeta');

/** Attaches each key's metadata to a KvList (Consul); returns the same list. */
export function withKvMeta(list: Map<string, string>, meta: ReadonlyMap<string, KvMeta>): KvList {
  Object.defineProperty(list, KV_META, { value: meta, enumerable: false });
  return list;
}

/** The metadata of `key` in a list, when its backend has any (zeros otherwise, as consul-template's zero KeyPair). */
export function kvMetaOf(list: KvList, key: string): KvMeta | undefined {
  return (list as { [KV_META]?: ReadonlyMap<string, KvMeta> })[KV_META]?.get(key);
}

export interface HealthCheck {
  readonly Node: string;
  readonly CheckID: string;
  readonly Name: string;
  readonly Status: string;
  readonly Notes: string;
  readonly Output: string;
  readonly ServiceID: string;
  readonly ServiceName: string;
  readonly ServiceTags: readonly string[];
}

/** consul-template's dependency.HealthService: one instance of a service. */
export interface HealthService {
  readonly Node: string;
  readonly NodeID: string;
  readonly NodeAddress: string;
  readonly NodeDatacenter: string;
  readonly NodeTaggedAddresses: Readonly<Record<string, string>>;
  readonly NodeMeta: Readonly<Record<string, string>>;
  readonly ServiceMeta: Readonly<Record<string, string>>;
  readonly Address: string;
  readonly ID: string;
  readonly Name: string;
  readonly Tags: readonly string[];
  readonly Checks: readonly HealthCheck[];
  /** Aggregate status: "passing" | "warning" | "critical" | "maintenance". */
  readonly Status: string;
  readonly Port: number;
}

/** consul-template's dependency.CatalogSnippet: a service name and the union of its tags. */
export interface CatalogService {
  readonly Name: string;
  readonly Tags: readonly string[];
}

/** consul-template's dependency.Node. */
export interface CatalogNode {
  readonly ID: string;
  readonly Node: string;
  readonly Address: string;
  readonly Datacenter: string;
  readonly TaggedAddresses: Readonly<Record<string, string>>;
  readonly Meta: Readonly<Record<string, string>>;
}

/** consul-template's dependency.CatalogNodeServices (`node` function). */
export interface CatalogNodeServices {
  readonly Node: CatalogNode;
  readonly Services: readonly {
    readonly ID: string;
    readonly Service: string;
    readonly Tags: readonly string[];
    readonly Meta: Readonly<Record<string, string>>;
    readonly Port: number;
    readonly Address: string;
    readonly EnableTagOverride?: boolean;
  }[];
}

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
 *   `signal` aborts (then it returns quietly). It may throw a CtmplError('BACKEND'); the retry
 *   wrapper (`src/backends/retry.ts`) then backs off, re-reads and resumes. A source with no change
 *   feed waits for abort, as confd's env backend does.
 * - `supports` says whether the backend can serve a dependency type at all (e.g. only Consul
 *   serves `catalog.nodes`); an unsupported dependency is a template error, not a retry.
 */
export interface Backend {
  /** Name and address for log lines and errors, e.g. `etcd http://127.0.0.1:2379`. */
  readonly description: string;
  supports(dep: Dependency): boolean;
  snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot>;
  changes(dep: Dependency, cursor: string, signal: AbortSignal): AsyncIterable<Snapshot>;
  close(): Promise<void>;
}
