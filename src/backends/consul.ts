import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import type { Backend, CatalogNode, CatalogNodeServices, CatalogService, HealthCheck, HealthService, Snapshot } from './backend.js';
import { dependencyKey, type Dependency, type HealthFilter } from './dependency.js';
import { sleep } from './retry.js';
import { CtmplError, isAbortError, messageOf } from '../errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ConsulTlsOptions {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly verify: boolean;
}

export interface ConsulOptions {
  /** host:port or URL; default CONSUL_HTTP_ADDR, else 127.0.0.1:8500. */
  readonly address?: string;
  /** ACL token; default the contents of tokenFile, else CONSUL_HTTP_TOKEN / CONSUL_HTTP_TOKEN_FILE. */
  readonly token?: string;
  readonly tokenFile?: string;
  readonly auth?: { readonly username: string; readonly password: string };
  readonly tls?: ConsulTlsOptions;
  /** Allow stale reads from followers, unless they lag the leader by more than this. */
  readonly maxStaleMs?: number;
  /** ?wait= of blocking queries; default 60 s. */
  readonly blockingWaitMs?: number;
  /** Minimum delay between two queries of one dependency (plus up to 50% jitter); default 50 ms. */
  readonly minRequeryMs?: number;
  /** Environment to read CONSUL_HTTP_* from (the caller passes process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (level: LogLevel, message: string) => void;
}

/** One HTTP answer from Consul, with the blocking-query metadata. */
interface ConsulAnswer {
  readonly status: number;
  readonly index: number;
  readonly lastContactMs: number;
  readonly body: string;
}

/** How to read one dependency: the endpoint, and how to turn its answer into data. */
interface ConsulQuery {
  readonly path: string;
  readonly params: readonly (readonly [string, string])[];
  /** Whether the endpoint supports ?index= (datacenters does not: it is polled). */
  readonly blocking: boolean;
  readonly allowNotFound: boolean;
  decode(answer: ConsulAnswer): unknown;
}

const DEFAULT_ADDRESS = '127.0.0.1:8500';
const DEFAULT_WAIT_MS = 60_000;
const DEFAULT_MIN_REQUERY_MS = 50;
// consul-template re-reads datacenters on this period: the endpoint has no blocking form.
const POLL_MS = 15_000;

export function createConsulBackend(options: ConsulOptions = {}) {
  const env = options.env ?? {};
  const baseUrl = resolveAddress(options.address ?? env.CONSUL_HTTP_ADDR ?? DEFAULT_ADDRESS, options.tls, env);
  const description = `consul ${baseUrl}`;
  const headers = requestHeaders(options, env);
  const agent = createAgent(options.tls);
  const waitMs = options.blockingWaitMs ?? DEFAULT_WAIT_MS;
  const minRequeryMs = options.minRequeryMs ?? DEFAULT_MIN_REQUERY_MS;
  const log = options.log ?? (() => {});
  let agentNodeName: Promise<string> | null = null;

  async function call(query: ConsulQuery, extra: readonly (readonly [string, string])[], signal: AbortSignal): Promise<ConsulAnswer> {
    const shown = `GET ${query.path}${queryString(query.params)}`;
    const url = `${baseUrl}${query.path}${queryString([...query.params, ...extra])}`;
    const timeout = waitMs + waitMs / 16 + 10_000;
    try {
      const res = await request(url, { dispatcher: agent, headers, signal, headersTimeout: timeout, bodyTimeout: timeout });
      const body = await res.body.text();
      const ok = res.statusCode === 200 || (res.statusCode === 404 && query.allowNotFound);
      if (!ok) throw new CtmplError('BACKEND', `${description}: ${shown}: ${res.statusCode} ${body.trim()}`.trimEnd());
      return {
        status: res.statusCode,
        index: Number(res.headers['x-consul-index'] ?? 0) || 0,
        lastContactMs: Number(res.headers['x-consul-lastcontact'] ?? 0) || 0,
        body,
      };
    } catch (error) {
      if (error instanceof CtmplError || isAbortError(error) || signal.aborted) throw error;
      throw new CtmplError('BACKEND', `${description}: ${shown}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** A read, stale when allowed, re-read from the leader when the follower lags too far. */
  async function read(query: ConsulQuery, index: number, signal: AbortSignal): Promise<ConsulAnswer> {
    const blocking: [string, string][] = query.blocking && index > 0 ? [['index', String(index)], ['wait', `${waitMs}ms`]] : [];
    const maxStaleMs = options.maxStaleMs ?? 0;
    if (maxStaleMs <= 0) return call(query, blocking, signal);
    const answer = await call(query, [...blocking, ['stale', '']], signal);
    if (answer.lastContactMs <= maxStaleMs) return answer;
    log('debug', `${description}: ${query.path}: stale answer (${answer.lastContactMs} ms behind), re-reading from the leader`);
    return call(query, blocking, signal);
  }

  async function queryOf(dep: Dependency, signal: AbortSignal): Promise<ConsulQuery> {
    if (dep.type !== 'catalog.node' || dep.name) return consulQuery(dep, dep.type === 'catalog.node' ? dep.name ?? '' : '');
    agentNodeName ??= readAgentNodeName(signal).catch((error: unknown) => {
      agentNodeName = null;
      throw error;
    });
    return consulQuery(dep, await agentNodeName);
  }

  async function readAgentNodeName(signal: AbortSignal): Promise<string> {
    const self = await call(agentSelfQuery, [], signal);
    return String((JSON.parse(self.body) as { Config?: { NodeName?: string } }).Config?.NodeName ?? '');
  }

  async function* changes(dep: Dependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    const subject = `${description}: ${dependencyKey(dep)}`;
    let { index, digest } = parseCursor(cursor);
    const query = await queryOf(dep, signal);
    let lastQueryAt = 0;
    while (!signal.aborted) {
      await sleep(nextQueryDelay(query, lastQueryAt), signal);
      if (signal.aborted) return;
      lastQueryAt = Date.now();
      const answer = await read(query, index, signal).catch((error: unknown) => {
        if (signal.aborted) return null;
        throw error;
      });
      if (!answer) return;
      if (query.blocking && answer.index !== 0 && answer.index === index) {
        log('debug', `${subject}: same index ${index}, nothing new`);
        continue;
      }
      if (query.blocking && answer.index < index) {
        log('debug', `${subject}: index went backwards (${index} → ${answer.index}), resetting to 0 and re-reading`);
        index = 0;
        continue;
      }
      if (query.blocking && answer.index === 0) log('debug', `${subject}: index is 0, resetting to 0 and re-reading`);
      index = answer.index;
      const data = query.decode(answer);
      const next = digestOf(data);
      if (next === digest) {
        log('debug', `${subject}: index ${index}, contents unchanged`);
        continue;
      }
      digest = next;
      yield { data, cursor: formatCursor(index, digest) };
    }
  }

  function nextQueryDelay(query: ConsulQuery, lastQueryAt: number): number {
    if (!query.blocking) return lastQueryAt === 0 ? 0 : Math.min(POLL_MS, waitMs);
    const minGap = minRequeryMs * (1 + Math.random() / 2);
    return Math.max(0, lastQueryAt + minGap - Date.now());
  }

  return {
    description,
    supports: () => true,
    async snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot> {
      const query = await queryOf(dep, signal);
      const answer = await read(query, 0, signal);
      const data = query.decode(answer);
      return { data, cursor: formatCursor(answer.index, digestOf(data)) };
    },
    changes,
    close: () => agent.close(),
  } satisfies Backend;
}

function resolveAddress(address: string, tls: ConsulTlsOptions | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (/^https?:\/\//i.test(address)) return address.replace(/\/+$/, '');
  const secure = tls !== undefined || env.CONSUL_HTTP_SSL?.toLowerCase() === 'true';
  return `${secure ? 'https' : 'http'}://${address.replace(/\/+$/, '')}`;
}

function requestHeaders(options: ConsulOptions, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = resolveToken(options, env);
  if (token) headers['x-consul-token'] = token;
  const auth = options.auth ?? parseAuth(env.CONSUL_HTTP_AUTH);
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return headers;
}

function resolveToken(options: ConsulOptions, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (options.token) return options.token;
  const file = options.tokenFile ?? (env.CONSUL_HTTP_TOKEN ? undefined : env.CONSUL_HTTP_TOKEN_FILE);
  if (!file) return env.CONSUL_HTTP_TOKEN || undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new CtmplError('BACKEND', `consul: cannot read token file ${file}: ${messageOf(error)}`, { cause: error });
  }
}

function parseAuth(value: string | undefined): ConsulOptions['auth'] {
  if (!value) return undefined;
  const colon = value.indexOf(':');
  return colon === -1 ? { username: value, password: '' } : { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

function createAgent(tls: ConsulTlsOptions | undefined): Agent {
  if (!tls) return new Agent();
  const file = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  return new Agent({
    connect: {
      ca: file(tls.caFile),
      cert: file(tls.certFile),
      key: file(tls.keyFile),
      servername: tls.serverName,
      rejectUnauthorized: tls.verify,
    },
  });
}

/** Consul's flag parameters (`?recurse`, `?passing`) have no value. */
function queryString(params: readonly (readonly [string, string])[]): string {
  if (params.length === 0) return '';
  return `?${params.map(([k, v]) => (v === '' ? k : `${k}=${encodeURIComponent(v)}`)).join('&')}`;
}

function formatCursor(index: number, digest: string): string {
  return `${index}:${digest}`;
}

function parseCursor(cursor: string): { index: number; digest: string } {
  const colon = cursor.indexOf(':');
  const index = Number(colon === -1 ? cursor : cursor.slice(0, colon));
  return { index: Number.isFinite(index) ? index : 0, digest: colon === -1 ? '' : cursor.slice(colon + 1) };
}

function digestOf(data: unknown): string {
  const text = JSON.stringify(data, (_key, value: unknown) => (value instanceof Map ? [...value] : value)) ?? 'undefined';
  return createHash('sha1').update(text).digest('hex');
}

const agentSelfQuery: ConsulQuery = { path: '/v1/agent/self', params: [], blocking: false, allowNotFound: false, decode: () => null };

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const dcParam = (dc: string | undefined): [string, string][] => (dc ? [['dc', dc]] : []);
const parseBody = <T>(answer: ConsulAnswer): T => JSON.parse(answer.body) as T;

/** The endpoint and decoder of each dependency type; `nodeName` is the resolved name for catalog.node. */
function consulQuery(dep: Dependency, nodeName: string): ConsulQuery {
  const base = { blocking: true, allowNotFound: false };
  switch (dep.type) {
    case 'kv.get':
      return { ...base, allowNotFound: true, path: `/v1/kv/${encodePath(dep.key.replace(/^\/+/, ''))}`, params: dcParam(dep.dc), decode: decodeKvGet };
    case 'kv.list': {
      const prefix = dep.prefix.replace(/^\/+/, '').replace(/\/+$/, '');
      const path = `/v1/kv/${prefix === '' ? '' : `${encodePath(prefix)}/`}`;
      return { ...base, allowNotFound: true, path, params: [['recurse', ''], ...dcParam(dep.dc)], decode: decodeKvList };
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
  }
}

interface RawKvEntry {
  readonly Key: string;
  readonly Value: string | null;
}

const decodeValue = (value: string | null) => (value === null ? '' : Buffer.from(value, 'base64').toString('utf8'));

function decodeKvGet(answer: ConsulAnswer): string | null {
  if (answer.status === 404) return null;
  const [entry] = parseBody<RawKvEntry[]>(answer);
  return entry ? decodeValue(entry.Value) : null;
}

function decodeKvList(answer: ConsulAnswer): ReadonlyMap<string, string> {
  if (answer.status === 404) return new Map();
  const entries = parseBody<RawKvEntry[]>(answer).map((e) => [`/${e.Key}`, decodeValue(e.Value)] as const);
  return new Map([...entries].sort(([a], [b]) => compare(a, b)));
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
  return { path: `/v1/health/service/${encodeURIComponent(dep.name)}`, params, blocking: true, allowNotFound: false, decode };
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
export function aggregateStatus(checks: readonly Pick<HealthCheck, 'CheckID' | 'Status'>[]): string {
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
  }));
  services.sort((a, b) => compare(a.Service, b.Service) || compare(a.ID, b.ID));
  return { Node: toCatalogNode(body.Node), Services: services };
}

const sortedTags = (tags: readonly string[] | null) => [...(tags ?? [])].sort(compare);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
