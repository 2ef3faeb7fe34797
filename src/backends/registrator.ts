import type { Backend, CatalogService, HealthService, KvList, Snapshot } from './backend.js';
import { normalizeKvPath, type Dependency } from '../types/dependency.js';

/**
 * Serves `service` and `services` on key/value backends (etcd, redis, file) through the
 * registrator layout: `<servicesPrefix>/<name>/<instance-id>` = "host:port". Instances have no
 * health checks, so every one is "passing". Other dependencies go to the wrapped backend.
 */
export function withRegistratorServices(inner: Backend, servicesPrefix: string): Backend {
  const root = normalizeKvPath(servicesPrefix);
  const listOf = (dep: Dependency): Dependency | undefined => {
    // The layout knows nothing of Connect: `connect` is Consul's alone.
    if (dep.type === 'health.service' && !dep.connect) return { type: 'kv.list', prefix: normalizeKvPath(`${root}/${dep.name}`) };
    if (dep.type === 'catalog.services') return { type: 'kv.list', prefix: root };
    return undefined;
  };
  const translate = (dep: Dependency, snapshot: Snapshot): Snapshot => {
    const list = snapshot.data as KvList;
    const data = dep.type === 'health.service' ? healthServices(dep, list) : catalogServices(root, list);
    return { data, cursor: snapshot.cursor };
  };
  return {
    description: inner.description,
    supports: (dep) => listOf(dep) !== undefined || inner.supports(dep),
    async snapshot(dep, signal) {
      const list = listOf(dep);
      return list ? translate(dep, await inner.snapshot(list, signal)) : inner.snapshot(dep, signal);
    },
    async *changes(dep, cursor, signal) {
      const list = listOf(dep);
      if (!list) return yield* inner.changes(dep, cursor, signal);
      for await (const snapshot of inner.changes(list, cursor, signal)) yield translate(dep, snapshot);
    },
    close: () => inner.close(),
  } satisfies Backend;
}

function healthServices(dep: Extract<Dependency, { type: 'health.service' }>, list: KvList): HealthService[] {
  const wantsPassing = dep.filters.length === 0 || dep.filters.some((filter) => filter === 'passing' || filter === 'any');
  if (!wantsPassing || dep.tag) return [];
  const services: HealthService[] = [];
  for (const [key, value] of list) {
    const id = key.slice(key.lastIndexOf('/') + 1);
    const { address, port } = splitHostPort(value);
    services.push({
      Node: '', NodeID: '', NodeAddress: address, NodeDatacenter: '', NodeTaggedAddresses: {}, NodeMeta: {},
      ServiceMeta: {}, Address: address, ID: id, Name: dep.name, Tags: [], Checks: [], Status: 'passing', Port: port,
    });
  }
  return services;
}

function catalogServices(root: string, list: KvList): CatalogService[] {
  const names = new Set<string>();
  for (const key of list.keys()) {
    const rest = key.slice(root.length + 1);
    const name = rest.split('/')[0];
    if (name && rest.includes('/')) names.add(name);
  }
  return [...names].sort().map((Name) => ({ Name, Tags: [] }));
}

/** "10.0.0.1:80" → address and port; "[::1]:80" too; no port → 0. */
function splitHostPort(value: string): { address: string; port: number } {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(value.trim());
  return match ? { address: match[1]!, port: Number(match[2]) } : { address: value.trim(), port: 0 };
}
