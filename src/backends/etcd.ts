import type { Backend, Snapshot } from './backend.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { CtmplError, messageOf } from '../errors.js';
import { EtcdGateway, type EtcdOptions } from './etcd/gateway.js';
import {
  applyEvents,
  dataOf,
  isInQuery,
  isSameEntries,
  lastRevision,
  queryOf,
  readRanges,
  sortEntries,
  watchRange,
  type EtcdQuery,
  type KvState,
} from './etcd/query.js';

export type { EtcdOptions } from './etcd/gateway.js';

type KvDependency = Dependency & { type: 'kv.get' | 'kv.list' };

/**
 * Returns the etcd v3 backend (`-backend etcd` and `etcdv3`): kv.get and kv.list over gRPC (the
 * JSON gateway on a node without it). `changes` follows one watch per dependency, each its own
 * stream on the node's one HTTP/2 connection, so descriptors do not grow with the watched keys; it
 * applies the watch's events to the last state, so a change to one key never re-reads the prefix,
 * and after a compaction it re-reads once.
 */
export function createEtcdBackend(options: EtcdOptions): Backend {
  const gateway = new EtcdGateway(options);
  const log = options.log ?? (() => {});
  /** The state each snapshot() read, so the changes() that follows starts without a re-read. */
  const lastRead = new Map<string, KvState>();

  async function read(query: EtcdQuery, signal: AbortSignal, revision?: string): Promise<KvState> {
    const entries: [string, string][] = [];
    let at = revision;
    for (const range of readRanges(query)) {
      const answer = await gateway.range(range, at, signal);
      // Later ranges read at the first one's revision so a prefix snapshot is consistent.
      at ??= answer.revision;
      for (const kv of answer.kvs) entries.push(kv);
    }
    return { revision: at ?? '0', entries: sortEntries(entries.filter(([key]) => isInQuery(query, key))) };
  }

  /** The state at `cursor`: the one snapshot() kept, else a read at that revision, else null (compacted). */
  async function stateAt(dep: KvDependency, cursor: string, signal: AbortSignal): Promise<KvState | null> {
    const kept = lastRead.get(dependencyKey(dep));
    if (kept?.revision === cursor) return kept;
    try {
      return await read(queryOf(dep), signal, cursor);
    } catch (error) {
      if (signal.aborted) throw error;
      log('debug', `${dependencyKey(dep)}: cannot read revision ${cursor} (${messageOf(error)}); reading the latest`);
      return null;
    }
  }

  async function* follow(dep: KvDependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    const query = queryOf(dep);
    const subject = dependencyKey(dep);
    let state = await stateAt(dep, cursor, signal);
    if (!state) {
      state = await read(query, signal);
      yield { data: dataOf(query, state), cursor: state.revision };
    }
    while (!signal.aborted) {
      const outcome = yield* watchFrom(query, subject, state, signal);
      if (signal.aborted) return;
      if (outcome.kind === 'ended') {
        throw new CtmplError('BACKEND', `${gateway.description}: ${subject}: watch stream ended`);
      }
      log('info', `${subject}: revision ${state.revision} was compacted (at ${outcome.compactRevision}); re-reading`);
      const fresh = await read(query, signal);
      if (!isSameEntries(fresh.entries, outcome.state.entries)) yield { data: dataOf(query, fresh), cursor: fresh.revision };
      state = fresh;
    }
  }

  type WatchOutcome =
    | { readonly kind: 'ended'; readonly state: KvState }
    | { readonly kind: 'compacted'; readonly state: KvState; readonly compactRevision: string };

  /** Follows one watch stream from `state`, yielding a snapshot per batch that changes the data. */
  async function* watchFrom(
    query: EtcdQuery,
    subject: string,
    start: KvState,
    signal: AbortSignal,
  ): AsyncGenerator<Snapshot, WatchOutcome> {
    let state = start;
    const create = { range: watchRange(query), startRevision: (BigInt(state.revision) + 1n).toString() };
    for await (const answer of gateway.watch(create, signal)) {
      if (answer.compactRevision !== '0') return { kind: 'compacted', state, compactRevision: answer.compactRevision };
      if (answer.events.length === 0) continue;
      const entries = applyEvents(query, state.entries, answer.events);
      const revision = lastRevision(answer.events) ?? state.revision;
      const changed = entries !== state.entries;
      state = { revision, entries };
      if (changed) yield { data: dataOf(query, state), cursor: revision };
      else log('debug', `${subject}: revision ${revision} leaves the data as it was; not emitting`);
    }
    return { kind: 'ended', state };
  }

  return {
    description: gateway.description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep, signal) {
      const kvDep = requireKv(dep, gateway.description);
      const state = await read(queryOf(kvDep), signal);
      lastRead.set(dependencyKey(kvDep), state);
      return { data: dataOf(queryOf(kvDep), state), cursor: state.revision };
    },
    changes(dep, cursor, signal) {
      return follow(requireKv(dep, gateway.description), cursor, signal);
    },
    async close() {
      lastRead.clear();
      await gateway.close();
    },
  } satisfies Backend;
}

function requireKv(dep: Dependency, description: string): KvDependency {
  if (dep.type === 'kv.get' || dep.type === 'kv.list') return dep;
  throw new CtmplError('BACKEND', `${description}: ${dependencyKey(dep)}: not supported by etcd`);
}
