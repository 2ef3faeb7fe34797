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

/** A Connect CA root, as consul/api's CARoot decodes it (`caRoots`). */
export interface ConnectCaRoot {
  readonly ID: string;
  readonly Name: string;
  /** The PEM certificate (JSON field `RootCert`). */
  readonly RootCertPEM: string;
  readonly Active: boolean;
  readonly CreateIndex: bigint;
  readonly ModifyIndex: bigint;
}

/** A Connect leaf certificate, as consul/api's LeafCert decodes it (`caLeaf`). */
export interface ConnectLeafCert {
  readonly SerialNumber: string;
  readonly CertPEM: string;
  readonly PrivateKeyPEM: string;
  readonly Service: string;
  readonly ServiceURI: string;
  /** RFC 3339 timestamps as Consul sends them. */
  readonly ValidAfter: string;
  readonly ValidBefore: string;
  readonly CreateIndex: bigint;
  readonly ModifyIndex: bigint;
}
