import { hostname } from 'node:os';
import { encodeText } from '../../bytes.js';
import { CtmplError, messageOf } from '../../errors.js';
import { sleep } from '../../sleep.js';
import type { LogFunction } from '../../types/log.js';
import { retryAfterStoreFailure, type FleetStore, type Seat, type SeatEvents } from '../fleet.js';
import { EtcdGateway, type EtcdOptions } from './gateway.js';
import { encode, prefixEnd } from './query.js';

export interface EtcdFleetOptions extends EtcdOptions {
  /** Key prefix, without slashes at either end. */
  readonly prefix: string;
  /** The lease's TTL: longest a dead leader keeps its templates. */
  readonly ttlMs: number;
  readonly log: LogFunction;
}

/** etcd refuses requests over 1.5 MiB by default; the rest of a data write is its key and framing. */
const MAX_PAYLOAD_BYTES = 1.5 * 1024 * 1024 - 16 * 1024;

interface JsonKv {
  readonly key: string;
  readonly value?: string;
  readonly create_revision?: string;
  readonly mod_revision?: string;
}

interface RangeAnswer {
  readonly header?: { readonly revision?: string };
  readonly kvs?: readonly JsonKv[];
}

interface TxnAnswer {
  readonly header?: { readonly revision?: string };
  readonly succeeded?: boolean;
  readonly responses?: readonly { readonly response_range?: RangeAnswer }[];
}

interface Lease {
  readonly id: string;
  /** Aborts when etcd no longer knows the lease (it expired): every key made with it is gone. */
  readonly lost: AbortSignal;
}

/**
 * Fleet mode on etcd, with etcd's election recipe. Each instance holds one lease, kept alive every
 * third of its TTL. Per template each candidate creates `<prefix>/<name>/election/<lease id>` with
 * its lease in a transaction; the lowest create revision leads; every other candidate watches the
 * key just below its own and looks again when that one is deleted (so a leader's end wakes one
 * instance, not the fleet). The leader writes `<prefix>/<name>/data` in a transaction guarded by
 * its election key's create revision: a leader whose lease expired cannot write. Followers watch
 * the data key. A clean stop revokes the lease: every key of the instance goes at once.
 */
export function createEtcdFleet(options: EtcdFleetOptions): FleetStore {
  const gateway = new EtcdGateway(options);
  const { log } = options;
  const ttlSeconds = Math.max(2, Math.round(options.ttlMs / 1000));
  const owner = `ctmpl ${hostname()} pid ${process.pid}`;
  const closing = new AbortController();
  const leases = new LeaseKeeper(gateway, ttlSeconds, (level, message) => log(level, `${gateway.description}: ${message}`), closing.signal);

  function join(name: string, events: SeatEvents, signal: AbortSignal): Seat {
    const base = `${options.prefix}/${name}`;
    const electionPrefix = `${base}/election/`;
    const dataKey = `${base}/data`;
    let leadership: { key: string; createRevision: string; deposed: AbortController } | undefined;

    /** This instance's election key, created with its lease unless it exists; its create revision. */
    async function candidate(lease: Lease): Promise<{ key: string; createRevision: string }> {
      const key = `${electionPrefix}${BigInt(lease.id).toString(16)}`;
      const answer = await gateway.call<TxnAnswer>('/v3/kv/txn', {
        compare: [{ key: encode(key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
        success: [{ request_put: { key: encode(key), value: encode(owner), lease: lease.id } }],
        failure: [{ request_range: { key: encode(key) } }],
      }, signal);
      const createRevision = answer.succeeded ? answer.header?.revision : answer.responses?.[0]?.response_range?.kvs?.[0]?.create_revision;
      if (!createRevision) throw new CtmplError('BACKEND', `${gateway.description}: ${key}: no create revision in the answer`);
      return { key, createRevision };
    }

    /** Resolves true once this candidate has the lowest create revision; false when its key or lease went, or on abort. */
    async function awaitTurn(mine: { key: string; createRevision: string }, until: AbortSignal): Promise<boolean> {
      while (!until.aborted) {
        const answer = await gateway.call<RangeAnswer>('/v3/kv/range', {
          key: encode(electionPrefix), range_end: prefixEnd(electionPrefix), sort_order: 'ASCEND', sort_target: 'CREATE', keys_only: true,
        }, until);
        const candidates = answer.kvs ?? [];
        if (!candidates.some((kv) => BigInt(kv.create_revision ?? '0') === BigInt(mine.createRevision))) return false;
        const below = candidates.filter((kv) => BigInt(kv.create_revision ?? '0') < BigInt(mine.createRevision)).at(-1);
        if (!below) return true;
        const startRevision = String(BigInt(answer.header?.revision ?? '0') + 1n);
        for await (const response of gateway.watch({ range: { key: below.key }, startRevision }, until)) {
          if (response.events.some((event) => event.type === 'DELETE')) break;
        }
      }
      return false;
    }

    /** As follower: the data key's value now and at each change, never an older one. */
    async function followData(until: AbortSignal): Promise<void> {
      let applied = 0n;
      let attempt = 0;
      const give = (value: Uint8Array, modRevision: string | undefined) => {
        const revision = BigInt(modRevision ?? '0');
        if (revision <= applied) return;
        applied = revision;
        events.onPayload(value, String(revision));
      };
      while (!until.aborted) {
        try {
          const answer = await gateway.call<RangeAnswer>('/v3/kv/range', { key: encode(dataKey) }, until);
          const kv = answer.kvs?.[0];
          if (kv) give(Buffer.from(kv.value ?? '', 'base64'), kv.mod_revision);
          attempt = 0;
          const startRevision = String(BigInt(answer.header?.revision ?? '0') + 1n);
          for await (const response of gateway.watch({ range: { key: encode(dataKey) }, startRevision }, until)) {
            for (const event of response.events) if (event.type === 'PUT') give(encodeText(event.value), event.modRevision);
          }
        } catch (error) {
          if (until.aborted) return;
          attempt += 1;
          await retryAfterStoreFailure(log, attempt, `${base}: ${messageOf(error)}`, until);
        }
      }
    }

    async function run(): Promise<void> {
      let attempt = 0;
      while (!signal.aborted) {
        try {
          const lease = await leases.get();
          const mine = await candidate(lease);
          const until = AbortSignal.any([signal, lease.lost]);
          const following = new AbortController();
          const data = followData(AbortSignal.any([until, following.signal]));
          const isLeader = await awaitTurn(mine, until);
          following.abort();
          await data;
          attempt = 0;
          if (!isLeader) continue;
          const deposed = new AbortController();
          leadership = { ...mine, deposed };
          log('info', `${gateway.description}: leading ${base}`);
          events.onRole(true);
          const ended = AbortSignal.any([until, deposed.signal]);
          await new Promise<void>((resolve) => (ended.aborted ? resolve() : ended.addEventListener('abort', () => resolve(), { once: true })));
          leadership = undefined;
          if (signal.aborted) {
            // This template alone is left (a reload dropped it): its successor need not wait for the lease.
            if (!closing.signal.aborted) await gateway.call('/v3/kv/deleterange', { key: encode(mine.key) }, closing.signal).catch(() => undefined);
            return;
          }
          log('warn', `${gateway.description}: no longer leading ${base}${lease.lost.aborted ? ' (lease lost)' : ''}; following`);
          events.onRole(false);
        } catch (error) {
          if (signal.aborted) return;
          attempt += 1;
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
        const answer = await gateway.call<TxnAnswer>('/v3/kv/txn', {
          compare: [{ key: encode(term.key), target: 'CREATE', result: 'EQUAL', create_revision: term.createRevision }],
          success: [{ request_put: { key: encode(dataKey), value: Buffer.from(payload).toString('base64') } }],
        }, signal);
        if (answer.succeeded) return true;
        term.deposed.abort();
        return false;
      },
    };
  }

  return {
    description: gateway.description,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
    join,
    async close() {
      await leases.close();
      closing.abort();
      await gateway.close();
    },
  };
}

/**
 * The instance's one lease: granted on first use, kept alive every third of its TTL, granted
 * anew after it was lost (keep-alives failing for a whole TTL, or etcd no longer knowing it).
 */
class LeaseKeeper {
  readonly #gateway: EtcdGateway;
  readonly #ttlSeconds: number;
  readonly #log: LogFunction;
  readonly #closing: AbortSignal;
  #current: Promise<Lease & { readonly stop: AbortController }> | undefined;

  constructor(gateway: EtcdGateway, ttlSeconds: number, log: LogFunction, closing: AbortSignal) {
    this.#gateway = gateway;
    this.#ttlSeconds = ttlSeconds;
    this.#log = log;
    this.#closing = closing;
  }

  async get(): Promise<Lease> {
    for (;;) {
      const current = (this.#current ??= this.#grant());
      const lease = await current.catch((error: unknown) => {
        if (this.#current === current) this.#current = undefined;
        throw error;
      });
      if (!lease.lost.aborted) return lease;
      if (this.#current === current) this.#current = undefined;
    }
  }

  /** Revokes the lease: every election key of the instance is deleted at once. */
  async close(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    const lease = await current?.catch(() => undefined);
    if (!lease) return;
    lease.stop.abort();
    if (!lease.lost.aborted) await this.#gateway.call('/v3/lease/revoke', { ID: lease.id }, this.#closing).catch(() => undefined);
  }

  async #grant(): Promise<Lease & { readonly stop: AbortController }> {
    const answer = await this.#gateway.call<{ ID?: string }>('/v3/lease/grant', { TTL: String(this.#ttlSeconds) }, this.#closing);
    if (!answer.ID) throw new CtmplError('BACKEND', `${this.#gateway.description}: /v3/lease/grant: no lease in the answer`);
    const lost = new AbortController();
    const stop = new AbortController();
    void this.#keepAlive(answer.ID, lost, stop.signal);
    return { id: answer.ID, lost: lost.signal, stop };
  }

  async #keepAlive(id: string, lost: AbortController, stop: AbortSignal): Promise<void> {
    const ttlMs = this.#ttlSeconds * 1000;
    let lastKept = Date.now();
    while (!stop.aborted) {
      await sleep(ttlMs / 3, stop);
      if (stop.aborted) return;
      try {
        const answer = await this.#gateway.call<{ result?: { TTL?: string } }>('/v3/lease/keepalive', { ID: id }, stop);
        if (!answer.result?.TTL || answer.result.TTL === '0') {
          this.#log('warn', `lease ${id} expired`);
          lost.abort();
          return;
        }
        lastKept = Date.now();
      } catch (error) {
        if (stop.aborted) return;
        this.#log('warn', `keeping lease ${id} alive: ${messageOf(error)}`);
        if (Date.now() - lastKept >= ttlMs) {
          lost.abort();
          return;
        }
      }
    }
  }
}
