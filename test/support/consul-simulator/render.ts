import type { CheckRecord, ConsulState, KvEntry, NodeRecord, ServiceRecord } from './state.js';

/** Consul's JSON shapes, fields in the order Consul 1.2 writes them. */

/** Encodes as Consul does: 4-space indent, a trailing newline, HTML characters escaped like Go. */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value, null, 4) ?? 'null';
  return `${text.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)}\n`;
}

/** Go encodes maps with sorted keys. */
function sortedMap(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function kvJson(entry: KvEntry): object {
  return {
    LockIndex: 0,
    Key: entry.key,
    Flags: entry.flags,
    Value: entry.value === '' ? null : Buffer.from(entry.value, 'utf8').toString('base64'),
    CreateIndex: entry.createIndex,
    ModifyIndex: entry.modifyIndex,
  };
}

const taggedAddresses = () => ({ lan: '127.0.0.1', wan: '127.0.0.1' });
const nodeMeta = () => ({ 'consul-network-segment': '' });
const connect = () => ({ Native: false, Proxy: null });

export function nodeJson(node: NodeRecord): object {
  return {
    ID: node.id,
    Node: node.name,
    Address: node.address,
    Datacenter: node.datacenter,
    TaggedAddresses: taggedAddresses(),
    Meta: nodeMeta(),
    CreateIndex: node.createIndex,
    ModifyIndex: node.modifyIndex,
  };
}

export function serviceJson(service: ServiceRecord): object {
  return {
    ID: service.id,
    Service: service.name,
    Tags: [...service.tags],
    Address: service.address,
    Meta: service.meta ? sortedMap(service.meta) : null,
    Port: service.port,
    EnableTagOverride: false,
    ProxyDestination: '',
    Connect: connect(),
    CreateIndex: service.createIndex,
    ModifyIndex: service.modifyIndex,
  };
}

export function checkJson(node: NodeRecord, check: CheckRecord): object {
  return {
    Node: node.name,
    CheckID: check.checkId,
    Name: check.name,
    Status: check.status,
    Notes: '',
    Output: check.output,
    ServiceID: check.serviceId,
    ServiceName: check.serviceName,
    ServiceTags: [...check.serviceTags],
    Definition: {},
    CreateIndex: check.createIndex,
    ModifyIndex: check.modifyIndex,
  };
}

export function catalogServiceJson(node: NodeRecord, service: ServiceRecord): object {
  return {
    ID: node.id,
    Node: node.name,
    Address: node.address,
    Datacenter: node.datacenter,
    TaggedAddresses: taggedAddresses(),
    NodeMeta: nodeMeta(),
    ServiceKind: '',
    ServiceID: service.id,
    ServiceName: service.name,
    ServiceTags: [...service.tags],
    ServiceAddress: service.address,
    ServiceMeta: service.meta ? sortedMap(service.meta) : {},
    ServicePort: service.port,
    ServiceEnableTagOverride: false,
    ServiceProxyDestination: '',
    ServiceConnect: connect(),
    CreateIndex: service.createIndex,
    ModifyIndex: service.modifyIndex,
  };
}

/** Node-level checks first, then the service's own, as Consul's health endpoint lists them. */
export function checksOf(state: ConsulState, serviceId: string): CheckRecord[] {
  const checks = [...state.checks.values()].sort((a, b) => compare(a.checkId, b.checkId));
  return [...checks.filter((c) => c.serviceId === ''), ...checks.filter((c) => c.serviceId === serviceId)];
}

export function healthEntryJson(state: ConsulState, service: ServiceRecord): object {
  return {
    Node: nodeJson(state.node),
    Service: serviceJson(service),
    Checks: checksOf(state, service.id).map((c) => checkJson(state.node, c)),
  };
}

/** Services in Consul's index order (node, then service ID). */
export function servicesInOrder(state: ConsulState): ServiceRecord[] {
  return [...state.services.values()].sort((a, b) => compare(a.id, b.id));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function agentSelfJson(node: NodeRecord): object {
  return {
    Config: {
      Datacenter: node.datacenter,
      NodeName: node.name,
      NodeID: node.id,
      Revision: '',
      Server: true,
      Version: '1.2.0',
    },
    Member: { Name: node.name, Addr: node.address, Port: 8301, Tags: { dc: node.datacenter, role: 'consul' }, Status: 1 },
    Meta: nodeMeta(),
  };
}
