import { createHash } from 'node:crypto';

/**
 * What a template reads, as a value. Every dependency has a canonical string key
 * (`dependencyKey`), like consul-template's `kv.get(key@dc)`: the watcher dedups on it, the
 * snapshot store is keyed by it, and log lines use it as their subject.
 *
 * KV paths are normalised to a leading slash ("/app/port"), whatever the backend; the Consul
 * backend strips it for the HTTP path and adds it back to the keys it returns.
 */
export type HealthFilter = 'any' | 'passing' | 'warning' | 'critical' | 'maintenance';

export type Dependency =
  /** One key. Data: `string | null` (null: the key does not exist). */
  | { readonly type: 'kv.get'; readonly key: string; readonly dc?: string }
  /**
   * The prefix key and every key under it, recursively. Data: `KvList`. `siblings`: also the keys
   * that merely start with the prefix ("/app" → "/apple"), where the peer's backend lists them
   * (confd's Consul backend loads a resource's `keys` that way; its etcd and redis ones do not).
   */
  | { readonly type: 'kv.list'; readonly prefix: string; readonly dc?: string; readonly siblings?: true }
  /** Instances of a service with their health. Data: `HealthService[]`. */
  | {
      readonly type: 'health.service';
      readonly name: string;
      readonly tag?: string;
      readonly dc?: string;
      readonly near?: string;
      readonly filters: readonly HealthFilter[];
      /** Connect-capable instances only (`connect`: /v1/health/connect/), keyed `health.connect(…)`. */
      readonly connect?: true;
    }
  /** Every service name with its tags. Data: `CatalogService[]`. */
  | { readonly type: 'catalog.services'; readonly dc?: string }
  /** Every node. Data: `CatalogNode[]`. */
  | { readonly type: 'catalog.nodes'; readonly dc?: string; readonly near?: string }
  /** One node and its services (the agent's own node when `name` is absent). Data: `CatalogNodeServices | null`. */
  | { readonly type: 'catalog.node'; readonly name?: string; readonly dc?: string }
  /** Every datacenter name. Data: `string[]`. */
  | { readonly type: 'catalog.datacenters' }
  /** The Connect CA's root certificates (`caRoots`). Data: `ConnectCaRoot[]`. */
  | { readonly type: 'connect.caroots' }
  /** A Connect leaf certificate for a service (`caLeaf`). Data: `ConnectLeafCert`. */
  | { readonly type: 'connect.caleaf'; readonly service: string }
  /** A local file (consul-template's `file`), absolute path. Data: `string | null` (null: absent). */
  | { readonly type: 'file'; readonly path: string }
  // Vault (consul-template's `secret` and `secrets`); paths trimmed of spaces and slashes.
  /** A secret read; `path` may end in a query (`secret/app?version=2`). Data: `VaultSecret`. */
  | { readonly type: 'vault.read'; readonly path: string }
  /** A write whose answer is the secret (`secret "path" "k=v"…`). Data: `VaultSecret`. */
  | { readonly type: 'vault.write'; readonly path: string; readonly data: Readonly<Record<string, string>> }
  /** The names under a path, sorted (`secrets`). Data: `string[]`. */
  | { readonly type: 'vault.list'; readonly path: string }
  /**
   * A PKI certificate issued by a write to `path` (`pkiCert`), cached in the template's
   * destination `dest` and re-issued near its expiry. Data: `PkiCert`.
   */
  | { readonly type: 'vault.pki'; readonly path: string; readonly data: Readonly<Record<string, string>>; readonly dest: string };

export type DependencyType = Dependency['type'];

/** Returns the canonical key of a dependency, e.g. `kv.list(/app)`, `health.service(web|passing)`. */
export function dependencyKey(dep: Dependency): string {
  const at = (dc?: string) => (dc ? `@${dc}` : '');
  switch (dep.type) {
    case 'kv.get':
      return `kv.get(${dep.key}${at(dep.dc)})`;
    case 'kv.list':
      return `kv.list(${dep.prefix}${dep.siblings ? '*' : ''}${at(dep.dc)})`;
    case 'health.service': {
      const tag = dep.tag ? `${dep.tag}.` : '';
      const near = dep.near ? `~${dep.near}` : '';
      return `health.${dep.connect ? 'connect' : 'service'}(${tag}${dep.name}${at(dep.dc)}${near}|${dep.filters.join(',')})`;
    }
    case 'catalog.services':
      return `catalog.services(${at(dep.dc)})`;
    case 'catalog.nodes':
      return `catalog.nodes(${at(dep.dc)}${dep.near ? `~${dep.near}` : ''})`;
    case 'catalog.node':
      return `catalog.node(${dep.name ?? ''}${at(dep.dc)})`;
    case 'catalog.datacenters':
      return 'catalog.datacenters()';
    case 'connect.caroots':
      return 'connect.caroots';
    case 'connect.caleaf':
      return `connect.caleaf(${dep.service})`;
    case 'file':
      return `file(${dep.path})`;
    case 'vault.read':
      return `vault.read(${dep.path})`;
    case 'vault.write':
      return `vault.write(${dep.path} -> ${hashWriteData(dep.data)})`;
    case 'vault.list':
      return `vault.list(${dep.path})`;
    case 'vault.pki':
      return `vault.pki(${dep.path} -> ${hashWriteData(dep.data)} -> ${dep.dest})`;
  }
}

/**
 * consul-template's sha1Map: the key names a write by a hash of its data, never the data
 * itself, which may be secret. `%q` of ASCII text is its JSON quoting.
 */
function hashWriteData(data: Readonly<Record<string, string>>): string {
  const hash = createHash('sha1');
  for (const key of Object.keys(data).sort()) hash.update(`${key}=${JSON.stringify(data[key])}`);
  return hash.digest('hex').slice(0, 8);
}

/** Normalises a KV path to one leading slash and no trailing slash ("app/x/" → "/app/x"; "" → "/"). */
export function normalizeKvPath(path: string): string {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return `/${trimmed}`;
}
