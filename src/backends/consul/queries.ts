import { decodeBase64Bytes } from '../../bytes.js';
import { withKvMeta, type CatalogNode, type ConnectCaRoot, type ConnectLeafCert, type CatalogNodeServices, type CatalogService, type HealthCheck, type HealthService, type KvList, type KvMeta } from '../../types/data.js';
import type { Dependency, HealthFilter } from '../../types/dependency.js';

/** Consul's endpoints per dependency type and the decoding of their answers into ctmpl's data shapes. */

/** One HTTP answer from Consul, with the blocking-query metadata. */
export interface ConsulAnswer {
  readonly status: number;
  readonly index: number;
  readonly lastContactMs: number;
  readonly body: string;
}

/** How to read one dependency: the endpoint, and how to turn its answer into data. */
export interface ConsulQuery {
  readonly path: string;
  readonly params: readonly (readonly [string, string])[];
  /** Whether the endpoint supports ?index= (datacenters does not: it is polled). */
  readonly blocking: boolean;
  readonly allowNotFound: boolean;
  decode(answer: ConsulAnswer): unknown;
}

export const agentSelfQuery: ConsulQuery = { path: '/v1/agent/self', params: [], blocking: false, allowNotFound: false, decode: () => null };

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const dcParam = (dc: string | undefined): [string, string][] => (dc ? [['dc', dc]] : []);
const parseBody = <T>(answer: ConsulAnswer): T => JSON.parse(answer.body) as T;

/** The endpoint and decoder of each dependency type; `nodeName` is the resolved name for catalog.node. */
export function consulQuery(dep: Dependency, nodeName: string): ConsulQuery {
  const base = { blocking: true, allowNotFound: false };
  switch (dep.type) {
    case 'kv.get':
      return { ...base, allowNotFound: true, path: `/v1/kv/${encodePath(dep.key.replace(/^\/+/, ''))}`, params: dcParam(dep.dc), decode: decodeKvGet };
    case 'kv.list': {
      const prefix = dep.prefix.replace(/^\/+/, '').replace(/\/+$/, '');
      // As both peers list: the prefix as written, so Consul returns the prefix key itself, its
      // children and, being a string-prefix match, siblings ("app" → "apple"), kept only on request.
      const keep = dep.siblings || prefix === '' ? () => true : (key: string) => key === prefix || key.startsWith(`${prefix}/`);
      const path = `/v1/kv/${encodePath(prefix)}`;
      return { ...base, allowNotFound: true, path, params: [['recurse', ''], ...dcParam(dep.dc)], decode: (a) => decodeKvList(a, keep) };
    }
    case 'health.service':
      return healthQuery(dep);
    case 'catalog.services':
      return { ...base, path: '/v1/catalog/services', params: dcParam(dep.dc), decode: decodeCatalogServices };
    case 'catalog.nodes': {
      const near: [string, string][] = dep.near ? [['near', dep.near]] : [];
      return { ...base, path: '/v1/catalog/nodes', params: [...dcParam(dep.dc), ...near], decode: (a) => decodeCatalogNodes(a, !dep.near) };
    }
    case 'catalog.node':
      return { ...base, path: `/v1/catalog/node/${encodeURIComponent(nodeName)}`, params: dcParam(dep.dc), decode: decodeCatalogNode };
    case 'catalog.datacenters':
      return { ...base, blocking: false, path: '/v1/catalog/datacenters', params: [], decode: (a) => [...parseBody<string[]>(a)].sort() };
    case 'connect.caroots':
      return { ...base, path: '/v1/agent/connect/ca/roots', params: [], decode: decodeCaRoots };
    case 'connect.caleaf':
      return { ...base, path: `/v1/agent/connect/ca/leaf/${encodeURIComponent(dep.service)}`, params: [], decode: decodeLeafCert };
    case 'file':
    case 'vault.read':
    case 'vault.write':
    case 'vault.list':
    case 'vault.pki':
      throw new Error(`consul does not serve ${dep.type} dependencies (a wrapper in src/backends/ does)`);
  }
}

interface RawKvEntry {
  readonly Key: string;
  readonly Value: string | null;
  readonly CreateIndex?: string;
  readonly ModifyIndex?: string;
  readonly LockIndex?: string;
  readonly Flags?: string;
  readonly Session?: string;
}

/** KV entries with their uint64 fields as digit strings: Flags may exceed 2^53. */
function parseKvEntries(answer: ConsulAnswer): RawKvEntry[] {
  return JSON.parse(answer.body.replace(/"(CreateIndex|ModifyIndex|LockIndex|Flags)":\s*(\d+)/g, '"$1":"$2"')) as RawKvEntry[];
}

function metaOf(e: RawKvEntry): KvMeta {
  const big = (digits: string | undefined) => BigInt(digits ?? 0);
  return { CreateIndex: big(e.CreateIndex), ModifyIndex: big(e.ModifyIndex), LockIndex: big(e.LockIndex), Flags: big(e.Flags), Session: e.Session ?? '' };
}

const decodeValue = (value: string | null) => (value === null ? '' : decodeBase64Bytes(value));

function decodeKvGet(answer: ConsulAnswer): string | null {
  if (answer.status === 404) return null;
  const [entry] = parseBody<RawKvEntry[]>(answer);
  return entry ? decodeValue(entry.Value) : null;
}

function decodeKvList(answer: ConsulAnswer, keep: (key: string) => boolean): KvList {
  if (answer.status === 404) return new Map();
  const raw = parseKvEntries(answer).filter((e) => keep(e.Key));
  const entries = raw.map((e) => [`/${e.Key}`, decodeValue(e.Value)] as const);
  const list = new Map([...entries].sort(([a], [b]) => compare(a, b)));
  return withKvMeta(list, new Map(raw.map((e) => [`/${e.Key}`, metaOf(e)])));
}

type StringMap = Readonly<Record<string, string>>;

interface RawNode {
  readonly ID: string;
  readonly Node: string;
  readonly Address: string;
  readonly Datacenter: string;
  readonly TaggedAddresses: StringMap | null;
  readonly Meta: StringMap | null;
}

interface RawService {
  readonly ID: string;
  readonly Service: string;
  readonly Tags: readonly string[] | null;
  readonly Address: string;
  readonly Meta: StringMap | null;
  readonly Port: number;
  readonly EnableTagOverride?: boolean;
}

interface RawHealthEntry {
  readonly Node: RawNode;
  readonly Service: RawService;
  readonly Checks: readonly HealthCheck[] | null;
}

function healthQuery(dep: Extract<Dependency, { type: 'health.service' }>): ConsulQuery {
  const filters: readonly HealthFilter[] = dep.filters.length > 0 ? dep.filters : ['passing'];
  // Like consul-template: only a lone "passing" filter is left to Consul; the rest is client-side.
  const params: [string, string][] = filters.length === 1 && filters[0] === 'passing' ? [['passing', '']] : [];
  if (dep.tag) params.push(['tag', dep.tag]);
  params.push(...dcParam(dep.dc));
  if (dep.near) params.push(['near', dep.near]);
  const decode = (answer: ConsulAnswer) => {
    const services = parseBody<RawHealthEntry[]>(answer).map(toHealthService);
    const accepted = services.filter((s) => filters.includes('any') || filters.includes(s.Status as HealthFilter));
    return dep.near ? accepted : accepted.sort((a, b) => compare(a.Node, b.Node) || compare(a.ID, b.ID));
  };
  const endpoint = dep.connect ? 'connect' : 'service';
  return { path: `/v1/health/${endpoint}/${encodeURIComponent(dep.name)}`, params, blocking: true, allowNotFound: false, decode };
}

function toHealthService(entry: RawHealthEntry): HealthService {
  const checks = (entry.Checks ?? []).map(toHealthCheck);
  return {
    Node: entry.Node.Node,
    NodeID: entry.Node.ID,
    NodeAddress: entry.Node.Address,
    NodeDatacenter: entry.Node.Datacenter,
    NodeTaggedAddresses: entry.Node.TaggedAddresses ?? {},
    NodeMeta: entry.Node.Meta ?? {},
    ServiceMeta: entry.Service.Meta ?? {},
    Address: entry.Service.Address || entry.Node.Address,
    ID: entry.Service.ID,
    Name: entry.Service.Service,
    Tags: sortedTags(entry.Service.Tags),
    Checks: checks,
    Status: aggregateStatus(checks),
    Port: entry.Service.Port,
  };
}

function toHealthCheck(check: HealthCheck): HealthCheck {
  const { Node, CheckID, Name, Status, Notes, Output, ServiceID, ServiceName } = check;
  return { Node, CheckID, Name, Status, Notes, Output, ServiceID, ServiceName, ServiceTags: [...(check.ServiceTags ?? [])] };
}

/** consul-template's (api.HealthChecks).AggregatedStatus: maintenance, then critical > warning > passing. */
function aggregateStatus(checks: readonly Pick<HealthCheck, 'CheckID' | 'Status'>[]): string {
  let warning = false;
  let critical = false;
  let maintenance = false;
  for (const check of checks) {
    if (check.CheckID === '_node_maintenance' || check.CheckID.startsWith('_service_maintenance:')) {
      maintenance = true;
      continue;
    }
    if (check.Status === 'warning') warning = true;
    else if (check.Status === 'critical') critical = true;
    else if (check.Status !== 'passing') return '';
  }
  if (maintenance) return 'maintenance';
  if (critical) return 'critical';
  if (warning) return 'warning';
  return 'passing';
}

function decodeCatalogServices(answer: ConsulAnswer): CatalogService[] {
  const services = parseBody<Record<string, string[] | null>>(answer);
  return Object.entries(services)
    .map(([Name, tags]) => ({ Name, Tags: sortedTags(tags) }))
    .sort((a, b) => compare(a.Name, b.Name));
}

function toCatalogNode(node: RawNode): CatalogNode {
  return {
    ID: node.ID,
    Node: node.Node,
    Address: node.Address,
    Datacenter: node.Datacenter,
    TaggedAddresses: node.TaggedAddresses ?? {},
    Meta: node.Meta ?? {},
  };
}

function decodeCatalogNodes(answer: ConsulAnswer, sort: boolean): CatalogNode[] {
  const nodes = parseBody<RawNode[]>(answer).map(toCatalogNode);
  return sort ? nodes.sort((a, b) => compare(a.Node, b.Node) || compare(a.Address, b.Address)) : nodes;
}

function decodeCatalogNode(answer: ConsulAnswer): CatalogNodeServices | null {
  const body = parseBody<{ Node: RawNode; Services: Record<string, RawService> | null } | null>(answer);
  if (!body) return null;
  const services = Object.values(body.Services ?? {}).map((s) => ({
    ID: s.ID, Service: s.Service, Tags: sortedTags(s.Tags), Meta: s.Meta ?? {}, Port: s.Port, Address: s.Address,
    EnableTagOverride: s.EnableTagOverride ?? false,
  }));
  services.sort((a, b) => compare(a.Service, b.Service) || compare(a.ID, b.ID));
  return { Node: toCatalogNode(body.Node), Services: services };
}

interface RawCaRoot {
  readonly ID?: string;
  readonly Name?: string;
  readonly RootCert?: string;
  readonly Active?: boolean;
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
}

/** The roots in Consul's order, with the fields consul/api's CARoot decodes. */
function decodeCaRoots(answer: ConsulAnswer): ConnectCaRoot[] {
  const body = parseBody<{ Roots?: readonly RawCaRoot[] | null }>(answer);
  return (body.Roots ?? []).map((root) => ({
    ID: root.ID ?? '',
    Name: root.Name ?? '',
    RootCertPEM: root.RootCert ?? '',
    Active: root.Active ?? false,
    CreateIndex: BigInt(root.CreateIndex ?? 0),
    ModifyIndex: BigInt(root.ModifyIndex ?? 0),
  }));
}

function decodeLeafCert(answer: ConsulAnswer): ConnectLeafCert {
  const raw = parseBody<Partial<Record<keyof ConnectLeafCert, string | number>>>(answer);
  const text = (value: string | number | undefined) => (typeof value === 'string' ? value : '');
  return {
    SerialNumber: text(raw.SerialNumber),
    CertPEM: text(raw.CertPEM),
    PrivateKeyPEM: text(raw.PrivateKeyPEM),
    Service: text(raw.Service),
    ServiceURI: text(raw.ServiceURI),
    ValidAfter: text(raw.ValidAfter),
    ValidBefore: text(raw.ValidBefore),
    CreateIndex: BigInt(raw.CreateIndex ?? 0),
    ModifyIndex: BigInt(raw.ModifyIndex ?? 0),
  };
}

const sortedTags = (tags: readonly string[] | null) => [...(tags ?? [])].sort(compare);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
