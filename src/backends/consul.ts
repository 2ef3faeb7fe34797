import { createHash } from 'node:crypto';
import type { Backend, Snapshot } from './backend.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { agentSelfQuery, consulQuery, type ConsulAnswer, type ConsulQuery } from './consul/queries.js';
import { RequeryBudget } from './consul/requery-budget.js';
import { consulConnection, type ConsulConnectionOptions } from './consul/connection.js';
import { sleep } from '../sleep.js';
import { CtmplError, isAbortError, messageOf } from '../errors.js';
import type { LogFunction } from '../types/log.js';

export interface ConsulOptions extends ConsulConnectionOptions {
  /** Allow stale reads from followers, unless they lag the leader by more than this. */
  readonly maxStaleMs?: number;
  /** ?wait= of blocking queries; default 60 s. */
  readonly blockingWaitMs?: number;
  /**
   * Minimum delay between two queries of one dependency (plus up to 50% jitter) once a burst of
   * REQUERY_BURST quick re-queries is spent; default 50 ms.
   */
  readonly minRequeryMs?: number;
  readonly log?: LogFunction;
}

const DEFAULT_WAIT_MS = 60_000;
const DEFAULT_MIN_REQUERY_MS = 50;
// Quick re-queries a dependency may make in a row before minRequeryMs applies (refilled one per minRequeryMs).
const REQUERY_BURST = 10;
// consul-template re-reads datacenters on this period: the endpoint has no blocking form.
const POLL_MS = 15_000;

export function createConsulBackend(options: ConsulOptions = {}) {
  const { baseUrl, description, headers, client } = consulConnection(options);
  const waitMs = options.blockingWaitMs ?? DEFAULT_WAIT_MS;
  const minRequeryMs = options.minRequeryMs ?? DEFAULT_MIN_REQUERY_MS;
  const log = options.log ?? (() => {});
  let agentNodeName: Promise<string> | null = null;

  async function call(query: ConsulQuery, extra: readonly (readonly [string, string])[], signal: AbortSignal): Promise<ConsulAnswer> {
    const shown = `GET ${query.path}${queryString(query.params)}`;
    const url = `${baseUrl}${query.path}${queryString([...query.params, ...extra])}`;
    const timeout = waitMs + waitMs / 16 + 10_000;
    try {
      const res = await client.get(url, { headers, signal, idleTimeoutMs: timeout });
      const body = res.body;
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
    const budget = new RequeryBudget(REQUERY_BURST, minRequeryMs);
    while (!signal.aborted) {
      const waitMs = query.blocking ? budget.take() : nextPollDelay(lastQueryAt);
      // No timer when there is nothing to wait for: a 0 ms sleep was a timer, an abort listener
      // and an event-loop turn per answer.
      if (waitMs > 0) await sleep(waitMs, signal);
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

  function nextPollDelay(lastQueryAt: number): number {
    return lastQueryAt === 0 ? 0 : Math.min(POLL_MS, waitMs);
  }

  return {
    description,
    supports: (dep) => dep.type !== 'file' && !dep.type.startsWith('vault.'),
    async snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot> {
      const query = await queryOf(dep, signal);
      const answer = await read(query, 0, signal);
      const data = query.decode(answer);
      const { index } = answer;
      let cursor: string | undefined;
      // The digest (a JSON text and a SHA-1 of the whole answer, ~5 % of a 2 000-instance
      // once-render) is made when a watch first asks for the cursor; a once-render never does.
      return {
        data,
        get cursor() {
          return (cursor ??= formatCursor(index, digestOf(data)));
        },
      };
    },
    changes,
    close: async () => client.close(),
  } satisfies Backend;
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
  const text = JSON.stringify(data, (_key, value: unknown) => (value instanceof Map ? [...value] : typeof value === 'bigint' ? String(value) : value)) ?? 'undefined';
  return createHash('sha1').update(text).digest('hex');
}

