import type { ConsulState, ServiceRecord } from './state.js';
import {
  agentSelfJson, catalogServiceJson, checksOf, compare, encodeJson, healthEntryJson, kvJson, nodeJson,
  serviceJson, servicesInOrder,
} from './render.js';

/** What one endpoint answers, recomputed on each call so blocking queries can re-run it. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string | null;
  /** X-Consul-Index; absent for endpoints that send none. */
  readonly index?: number;
}

export interface Route {
  /** ACL scope: KV 403s carry no index headers, catalog/health 403s do. 'none' skips ACLs. */
  readonly acl: 'kv' | 'catalog' | 'none';
  /** Sends X-Consul-Effective-Consistency (catalog and health reads). */
  readonly consistency: boolean;
  /** Honours ?index=&wait=. */
  readonly blocking: boolean;
  run(): Answer;
}

export interface RouteRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export const json = (value: unknown, index?: number): Answer => ({ status: 200, body: encodeJson(value), contentType: JSON_TYPE, index });
export const text = (status: number, body: string, index?: number): Answer => ({ status, body, contentType: TEXT_TYPE, index });
const notFound = (index: number): Answer => ({ status: 404, body: '', contentType: null, index });

/** Finds the route for a request, or null for an unknown endpoint. */
export function routeFor(state: ConsulState, req: RouteRequest): Route | null {
  const { method, path, query } = req;
  const read = (acl: Route['acl'], consistency: boolean, run: () => Answer): Route => ({ acl, consistency, blocking: true, run });
  const plain = (run: () => Answer): Route => ({ acl: 'none', consistency: false, blocking: false, run });
  if (path.startsWith('/v1/kv/')) {
    const key = decodeURIComponent(path.slice('/v1/kv/'.length));
    if (method === 'GET') return read('kv', false, () => kvRead(state, key, query));
    if (method === 'PUT') return { ...plain(() => kvPut(state, key, req)), acl: 'kv' };
    if (method === 'DELETE') return { ...plain(() => kvDelete(state, key, query)), acl: 'kv' };
    return null;
  }
  if (method !== 'GET') return null;
  const [, , group, kind, ...rest] = path.split('/');
  const name = decodeURIComponent(rest.join('/'));
  switch (`${group}/${kind}`) {
    case 'health/service':
      return read('catalog', true, () => healthService(state, name, query));
    case 'catalog/service':
      return read('catalog', true, () => catalogService(state, name, query));
    case 'catalog/services':
      return read('catalog', true, () => catalogServices(state));
    case 'catalog/nodes':
      return read('catalog', true, () => json([nodeJson(state.node)], state.tableIndex('nodes')));
    case 'catalog/node':
      return read('catalog', true, () => catalogNode(state, name));
    case 'catalog/datacenters':
      return plain(() => json([state.node.datacenter]));
    case 'status/leader':
      return plain(() => json('127.0.0.1:38300'));
    case 'agent/self':
      return { ...plain(() => json(agentSelfJson(state.node))), acl: 'catalog' };
    default:
      return null;
  }
}

function kvRead(state: ConsulState, key: string, query: URLSearchParams): Answer {
  if (query.has('keys')) return kvKeys(state, key, query.get('separator') ?? '');
  if (query.has('recurse')) {
    const entries = [...state.kv.values()].filter((e) => e.key.startsWith(key)).sort((a, b) => compare(a.key, b.key));
    const index = state.kvListIndex(key);
    return entries.length === 0 ? notFound(index) : json(entries.map(kvJson), index);
  }
  const entry = state.kv.get(key);
  const index = state.kvGetIndex(key);
  if (!entry) return notFound(index);
  return query.has('raw') ? text(200, entry.value, index) : json([kvJson(entry)], index);
}

function kvKeys(state: ConsulState, prefix: string, separator: string): Answer {
  const keys = new Set<string>();
  for (const key of [...state.kv.keys()].filter((k) => k.startsWith(prefix)).sort(compare)) {
    const at = separator === '' ? -1 : key.indexOf(separator, prefix.length);
    keys.add(at === -1 ? key : key.slice(0, at + separator.length));
  }
  const index = state.kvListIndex(prefix);
  return keys.size === 0 ? notFound(index) : json([...keys], index);
}

function kvPut(state: ConsulState, key: string, req: RouteRequest): Answer {
  state.putKey(key, req.body, Number(req.query.get('flags') ?? 0));
  return json(true);
}

function kvDelete(state: ConsulState, key: string, query: URLSearchParams): Answer {
  state.deleteKey(key, query.has('recurse'));
  return json(true);
}

function hasTag(service: ServiceRecord, tag: string | null): boolean {
  return tag === null || service.tags.some((t) => t.toLowerCase() === tag.toLowerCase());
}

function instancesOf(state: ConsulState, name: string, query: URLSearchParams): ServiceRecord[] {
  return servicesInOrder(state).filter((s) => s.name === name && hasTag(s, query.get('tag')));
}

function healthService(state: ConsulState, name: string, query: URLSearchParams): Answer {
  let instances = instancesOf(state, name, query);
  if (query.has('passing')) {
    instances = instances.filter((s) => checksOf(state, s.id).every((c) => c.status === 'passing'));
  }
  return json(instances.map((s) => healthEntryJson(state, s)), state.serviceIndex(name));
}

function catalogService(state: ConsulState, name: string, query: URLSearchParams): Answer {
  const instances = instancesOf(state, name, query);
  return json(instances.map((s) => catalogServiceJson(state.node, s)), state.serviceIndex(name));
}

function catalogServices(state: ConsulState): Answer {
  const tagsByName = new Map<string, string[]>();
  for (const service of servicesInOrder(state)) {
    const tags = tagsByName.get(service.name) ?? [];
    for (const tag of service.tags) if (!tags.includes(tag)) tags.push(tag);
    tagsByName.set(service.name, tags);
  }
  const sorted = [...tagsByName].sort(([a], [b]) => compare(a, b));
  return json(Object.fromEntries(sorted), state.tableIndex('services'));
}

function catalogNode(state: ConsulState, name: string): Answer {
  const index = state.tableIndex('nodes', 'services');
  if (name !== state.node.name) return json(null, index);
  const services = Object.fromEntries(servicesInOrder(state).map((s) => [s.id, serviceJson(s)]));
  return json({ Node: nodeJson(state.node), Services: services }, index);
}
