import { hostname } from 'node:os';
import { CtmplError, isAbortError, messageOf } from '../../errors.js';
import { sleep } from '../../sleep.js';
import type { LogFunction } from '../../types/log.js';
import { retryAfterStoreFailure, type FleetStore, type Seat, type SeatEvents } from '../fleet.js';
import { consulConnection, type ConsulConnectionOptions } from './connection.js';

export interface ConsulFleetOptions extends ConsulConnectionOptions {
  /** KV prefix, without slashes at either end. */
  readonly prefix: string;
  /** Longest a dead leader keeps its templates (see `sessionTtlMs`). */
  readonly ttlMs: number;
  readonly maxStaleMs: number;
  readonly blockQueryWaitMs: number;
  readonly log: LogFunction;
}

/** Consul refuses KV values over 512 KiB. */
const MAX_VALUE_BYTES = 512 * 1024;
/** Consul's shortest session TTL. */
const MIN_SESSION_TTL_MS = 10_000;

interface KvEntry {
  readonly Value: string | null;
  readonly Session?: string;
  readonly ModifyIndex: number;
}

interface Answer {
  readonly status: number;
  readonly index: number;
  readonly lastContactMs: number;
  readonly body: string;
}

/**
 * The session TTL ctmpl asks for: half the configured one (at least Consul's 10 s): Consul lets a
 * lapsed session live up to twice its TTL, so a dead leader's locks fall within the configured TTL
 * (20 s at least).
 */
function sessionTtlMs(ttlMs: number): number {
  return Math.max(MIN_SESSION_TTL_MS, Math.round(ttlMs / 2));
}

/**
 * Fleet mode on Consul. Per template `<prefix>/<name>/lock` is the election: a KV lock taken with
 * `?acquire=<session>`. The leader writes `<prefix>/<name>/data` with `?acquire=` too, so the write
 * only lands while its session holds (a deposed leader's write fails) and the data key names the
 * leader's session. Followers hold one blocking query, on the data key: a new value is new data;
 * the key losing its session (leader stopped, or its session lapsed) starts an election.
 *
 * One session per instance, created only while it leads or campaigns (followers renew nothing),
 * with lock-delay 0 (the data write is guarded by the lock, so a successor may take over at once)
 * and behaviour `release` (the last data stays readable). A clean stop destroys it: every lock is
 * free at once.
 */
export function createConsulFleet(options: ConsulFleetOptions): FleetStore {
  const { baseUrl, description, headers, client } = consulConnection(options);
  const log = options.log;
  const ttlMs = sessionTtlMs(options.ttlMs);
  const owner = `ctmpl ${hostname()} pid ${process.pid}`;
  const closing = new AbortController();

  async function call(method: 'GET' | 'PUT', path: string, params: readonly (readonly [string, string])[], signal: AbortSignal, body?: Uint8Array | string): Promise<Answer> {
    const query = params.length === 0 ? '' : `?${params.map(([k, v]) => (v === '' ? k : `${k}=${encodeURIComponent(v)}`)).join('&')}`;
    const shown = `${method} ${path}`;
    try {
      const res = await client.get(`${baseUrl}${path}${query}`, {
        method, headers, signal, idleTimeoutMs: options.blockQueryWaitMs * 1.1 + 10_000, ...(body !== undefined ? { body } : {}),
      });
      if (res.statusCode !== 200 && res.statusCode !== 404) throw new CtmplError('BACKEND', `${description}: ${shown}: ${res.statusCode} ${res.body.trim()}`.trimEnd());
      return {
        status: res.statusCode,
        index: Number(res.headers['x-consul-index'] ?? 0) || 0,
        lastContactMs: Number(res.headers['x-consul-lastcontact'] ?? 0) || 0,
        body: res.body,
      };
    } catch (error) {
      if (error instanceof CtmplError || isAbortError(error) || signal.aborted) throw error;
      throw new CtmplError('BACKEND', `${description}: ${shown}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** PUTs that answer `true` or `false` (acquire, release, renew); 404 is false (session gone). */
  async function put(path: string, params: readonly (readonly [string, string])[], body?: Uint8Array | string): Promise<{ ok: boolean; answer: Answer }> {
    const answer = await call('PUT', path, params, closing.signal, body);
    return { ok: answer.status === 200 && answer.body.trim() !== 'false', answer };
  }

  const sessions = new SessionKeeper({
    create: async () => {
      const body = JSON.stringify({ Name: owner, TTL: `${ttlMs / 1000}s`, LockDelay: '0s', Behavior: 'release' });
      const { ok, answer } = await put('/v1/session/create', [], body);
      if (!ok) throw new CtmplError('BACKEND', `${description}: PUT /v1/session/create: ${answer.status} ${answer.body.trim()}`);
      return (JSON.parse(answer.body) as { ID: string }).ID;
    },
    renew: async (id) => (await put(`/v1/session/renew/${id}`, [])).ok,
    destroy: async (id) => void (await put(`/v1/session/destroy/${id}`, [])),
    ttlMs,
    log: (level, message) => log(level, `${description}: ${message}`),
  });

  /** Reads a key, blocking from `index` when it is not 0; stale within maxStaleMs unless `isConsistent`. */
  async function readKey(key: string, index: number, signal: AbortSignal, isConsistent = false): Promise<{ index: number; entry: KvEntry | undefined }> {
    const blocking: [string, string][] = index > 0 ? [['index', String(index)], ['wait', `${options.blockQueryWaitMs}ms`]] : [];
    const path = `/v1/kv/${key}`;
    const mayBeStale = options.maxStaleMs > 0 && !isConsistent;
    let answer = await call('GET', path, mayBeStale ? [...blocking, ['stale', '']] : blocking, signal);
    if (mayBeStale && answer.lastContactMs > options.maxStaleMs) answer = await call('GET', path, blocking, signal);
    const entry = answer.status === 200 ? (JSON.parse(answer.body) as KvEntry[])[0] : undefined;
    return { index: answer.index, entry };
  }

  function join(name: string, events: SeatEvents, signal: AbortSignal): Seat {
    const base = `${options.prefix}/${name}`;
    const lockKey = `${base}/lock`;
    const dataKey = `${base}/data`;
    /** While leading: the session, how to end the term, and the last value written. */
    let leadership: { session: Session; deposed: AbortController; published?: Uint8Array } | undefined;

    async function campaign(): Promise<boolean> {
      const session = await sessions.acquire();
      try {
        const { ok } = await put(`/v1/kv/${lockKey}`, [['acquire', session.id]], owner);
        if (ok) {
          leadership = { session, deposed: new AbortController() };
          return true;
        }
      } catch (error) {
        if (isInvalidSession(error)) session.lose();
        sessions.release();
        throw error;
      }
      sessions.release();
      return false;
    }

    async function lead(): Promise<void> {
      const term = leadership!;
      log('info', `${description}: leading ${base}`);
      events.onRole(true);
      const ended = AbortSignal.any([signal, term.session.lost, term.deposed.signal]);
      await new Promise<void>((resolve) => (ended.aborted ? resolve() : ended.addEventListener('abort', () => resolve(), { once: true })));
      leadership = undefined;
      if (!signal.aborted) log('warn', `${description}: no longer leading ${base}${term.session.lost.aborted ? ' (session lost)' : ''}; following`);
      // Stopped, or deposed while the session holds (it may live on for other templates): free the lock for a
      // successor, then the data key, which wakes the followers (a release writes the body: the data stays).
      if (!term.session.lost.aborted) {
        await put(`/v1/kv/${lockKey}`, [['release', term.session.id]]).catch(() => undefined);
        if (term.published) await put(`/v1/kv/${dataKey}`, [['release', term.session.id]], term.published).catch(() => undefined);
      }
      if (!signal.aborted) events.onRole(false);
      sessions.release();
    }

    async function run(): Promise<void> {
      /** The index to block from (0 after a failure: an agent that restarted would hold a query from a future index). */
      let index = 0;
      let seen = 0;
      /** The ModifyIndex of the last value given: an older one (a lagging server's) is never given. */
      let applied = 0;
      let attempt = 0;
      while (!signal.aborted) {
        try {
          let read = await readKey(dataKey, index, signal);
          // An index going backwards on the leader too (agent restarted empty, snapshot restored): start over.
          if (read.index < seen) read = await readKey(dataKey, 0, signal, true);
          if (read.index < seen) applied = 0;
          index = seen = read.index;
          attempt = 0;
          const { entry } = read;
          if (entry && entry.Value !== null && entry.ModifyIndex > applied) {
            applied = entry.ModifyIndex;
            events.onPayload(Buffer.from(entry.Value, 'base64'), String(entry.ModifyIndex));
          }
          if (entry?.Session) continue;
          // No leader: campaign. A lost campaign follows on from `index`, so it blocks until the winner writes.
          if (await campaign()) {
            await lead();
            index = 0;
          }
        } catch (error) {
          if (signal.aborted) return;
          attempt += 1;
          index = 0;
          await retryAfterStoreFailure(log, attempt, `${base}: ${messageOf(error)}`, signal);
        }
      }
    }

    void run();
    return {
      dataKey,
      async publish(payload) {
        const term = leadership;
        if (!term) return false;
        try {
          // `false`: another session holds the data key.
          if ((await put(`/v1/kv/${dataKey}`, [['acquire', term.session.id]], payload)).ok) {
            term.published = payload;
            return true;
          }
        } catch (error) {
          if (!isInvalidSession(error)) throw error;
          term.session.lose();
        }
        term.deposed.abort();
        return false;
      },
    };
  }

  return {
    description,
    maxPayloadBytes: MAX_VALUE_BYTES,
    join,
    async close() {
      await sessions.close();
      closing.abort();
      client.close();
    },
  };
}

/** Consul answers 500 "invalid session" to an acquire with a session it no longer knows. */
function isInvalidSession(error: unknown): boolean {
  return /invalid session/i.test(messageOf(error));
}

interface Session {
  readonly id: string;
  /** Aborts when Consul no longer knows the session (it lapsed, or the agent lost it). */
  readonly lost: AbortSignal;
  /** Says that Consul refused the session as invalid: it is lost. */
  lose(): void;
}

interface SessionCalls {
  create(): Promise<string>;
  /** False when Consul no longer knows the session. */
  renew(id: string): Promise<boolean>;
  destroy(id: string): Promise<void>;
  readonly ttlMs: number;
  readonly log: LogFunction;
}

/**
 * The instance's one session, while anyone uses it: created on the first `acquire`, renewed every
 * half TTL, destroyed when the last user releases it. Renewal failures are retried until the
 * session must have lapsed (twice its TTL), then it counts as lost.
 */
class SessionKeeper {
  readonly #calls: SessionCalls;
  #current: Promise<KeptSession> | undefined;
  #users = 0;
  readonly #ending = new Set<Promise<void>>();

  constructor(calls: SessionCalls) {
    this.#calls = calls;
  }

  async acquire(): Promise<Session> {
    this.#users += 1;
    try {
      for (;;) {
        const current = (this.#current ??= this.#create());
        const session = await current.catch((error: unknown) => {
          if (this.#current === current) this.#current = undefined;
          throw error;
        });
        if (!session.lost.aborted) return session;
        if (this.#current === current) this.#current = undefined;
      }
    } catch (error) {
      this.#users -= 1;
      throw error;
    }
  }

  release(): void {
    this.#users -= 1;
    if (this.#users > 0) return;
    const current = this.#current;
    this.#current = undefined;
    if (current) this.#end(current);
  }

  /** Destroys the session now, whoever uses it: a clean stop frees every lock at once. */
  async close(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (current) this.#end(current);
    await Promise.all(this.#ending);
  }

  #end(current: Promise<KeptSession>): void {
    const ending = current
      .then(async (session) => {
        session.stop.abort();
        if (!session.lost.aborted) await this.#calls.destroy(session.id);
      })
      .catch(() => undefined)
      .finally(() => this.#ending.delete(ending));
    this.#ending.add(ending);
  }

  async #create(): Promise<KeptSession> {
    const id = await this.#calls.create();
    const lost = new AbortController();
    const stop = new AbortController();
    void this.#renew(id, lost, stop.signal);
    return { id, lost: lost.signal, stop, lose: () => lost.abort() };
  }

  async #renew(id: string, lost: AbortController, stop: AbortSignal): Promise<void> {
    const { ttlMs, log } = this.#calls;
    let lastRenewed = Date.now();
    while (!stop.aborted) {
      await sleep(ttlMs / 2, stop);
      if (stop.aborted) return;
      try {
        if (!(await this.#calls.renew(id))) {
          log('warn', `session ${id} is gone`);
          lost.abort();
          return;
        }
        lastRenewed = Date.now();
      } catch (error) {
        if (stop.aborted) return;
        log('warn', `renewing session ${id}: ${messageOf(error)}`);
        if (Date.now() - lastRenewed >= 2 * ttlMs) {
          lost.abort();
          return;
        }
      }
    }
  }
}

type KeptSession = Session & { readonly stop: AbortController; readonly lose: () => void };
