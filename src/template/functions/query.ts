import { normalizeKvPath, type Dependency, type HealthFilter } from '../../types/dependency.js';
import { quote } from '../go/strconv.js';

/**
 * consul-template's dependency string parsers (dependency/*.go), with their regular
 * expressions and error messages: `tag.name@dc~near|filter,filter`, `key@dc`, `prefix@dc`.
 */

const DC = String.raw`(@(?<dc>[\w.\-]+))?`;
const KEY = String.raw`/?(?<key>[^@]+)`;
const PREFIX = String.raw`/?(?<prefix>[^@]+)`;
const FILTER = String.raw`(\|(?<filter>[\w,]+))?`;
const SERVICE_NAME = String.raw`(?<name>[\w\-]+)`;
const NODE_NAME = String.raw`(?<name>[\w.\-]+)`;
const NEAR = String.raw`(~(?<near>[\w.\-]+))?`;
const TAG = String.raw`((?<tag>[\w=:.\-]+)\.)?`;

const whole = (source: string) => new RegExp(`^${source}$`);

const KV_GET_RE = whole(KEY + DC);
const KV_LIST_RE = whole(PREFIX + DC);
const HEALTH_SERVICE_RE = whole(TAG + SERVICE_NAME + DC + NEAR + FILTER);
const CATALOG_SERVICES_RE = whole(DC);
const CATALOG_NODES_RE = whole(DC + NEAR);
const CATALOG_NODE_RE = whole(NODE_NAME + DC);

const HEALTH_FILTERS: ReadonlySet<string> = new Set(['any', 'passing', 'warning', 'critical', 'maintenance']);

type Groups = Readonly<Record<string, string | undefined>>;

function matchQuery(re: RegExp, kind: string, s: string): Groups {
  const m = re.exec(s);
  if (!m) throw new Error(`${kind}: invalid format: ${quote(s)}`);
  return m.groups ?? {};
}

/** Optional fields only when set, so dependency keys stay canonical. */
function withDc<T extends object>(dep: T, dc: string | undefined): T & { dc?: string } {
  return dc ? { ...dep, dc } : dep;
}

/** `key@dc` → kv.get; throws `kv.get: invalid format: "…"`. */
export function parseKvGet(s: string): Extract<Dependency, { type: 'kv.get' }> {
  const g = matchQuery(KV_GET_RE, 'kv.get', s);
  return withDc({ type: 'kv.get' as const, key: normalizeKvPath(g.key ?? '') }, g.dc);
}

/** `prefix@dc` → kv.list; throws `kv.list: invalid format: "…"`. */
export function parseKvList(s: string): Extract<Dependency, { type: 'kv.list' }> {
  const g = matchQuery(KV_LIST_RE, 'kv.list', s);
  return withDc({ type: 'kv.list' as const, prefix: normalizeKvPath(g.prefix ?? '') }, g.dc);
}

function parseHealthFilters(filter: string | undefined, s: string): HealthFilter[] {
  if (!filter) return ['passing'];
  const filters: HealthFilter[] = [];
  for (const raw of filter.split(',')) {
    const f = raw.trim();
    if (f === '') continue;
    if (!HEALTH_FILTERS.has(f)) throw new Error(`health.service: invalid filter: ${quote(f)} in ${quote(s)}`);
    filters.push(f as HealthFilter);
  }
  return filters.sort();
}

/** `tag.name@dc~near|filter,…` → health.service (filters default to passing, sorted). */
export function parseHealthService(s: string): Extract<Dependency, { type: 'health.service' }> {
  const g = matchQuery(HEALTH_SERVICE_RE, 'health.service', s);
  return {
    type: 'health.service',
    name: g.name ?? '',
    ...(g.tag ? { tag: g.tag } : {}),
    ...(g.dc ? { dc: g.dc } : {}),
    ...(g.near ? { near: g.near } : {}),
    filters: parseHealthFilters(g.filter, s),
  };
}

/** `@dc` → catalog.services. */
export function parseCatalogServices(s: string): Extract<Dependency, { type: 'catalog.services' }> {
  const g = matchQuery(CATALOG_SERVICES_RE, 'catalog.services', s);
  return withDc({ type: 'catalog.services' as const }, g.dc);
}

/** `@dc~near` → catalog.nodes. */
export function parseCatalogNodes(s: string): Extract<Dependency, { type: 'catalog.nodes' }> {
  const g = matchQuery(CATALOG_NODES_RE, 'catalog.nodes', s);
  const dep = withDc({ type: 'catalog.nodes' as const }, g.dc);
  return g.near ? { ...dep, near: g.near } : dep;
}

/** `name@dc` (or "" for the agent's own node) → catalog.node. */
export function parseCatalogNode(s: string): Extract<Dependency, { type: 'catalog.node' }> {
  if (s === '') return { type: 'catalog.node' };
  const g = matchQuery(CATALOG_NODE_RE, 'catalog.node', s);
  return withDc({ type: 'catalog.node' as const, name: g.name ?? '' }, g.dc);
}
