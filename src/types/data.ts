/**
 * Data shapes, per dependency type. They are the shapes consul-template's functions return,
 * so templates see `.Key .Value`, `.Name .Address .Port .Tags` whatever the backend.
 */

/** Full key ("/app/servers/web1") → value, sorted by key. */
export type KvList = ReadonlyMap<string, string>;

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
  }[];
}
