import type { Backend, Snapshot } from './backend.js';
import { dependencyKey, normalizeKvPath, type Dependency } from '../types/dependency.js';
import { CtmplError } from '../errors.js';
import { withTimeout } from './deadline.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  backendError,
  closeClient,
  connectAny,
  parseNode,
  timeoutError,
  type RedisClient,
  type RedisNode,
  type RedisOptions,
} from './redis/connection.js';
import { FeedHub, type FeedTargets } from './redis/feed.js';
import { KeyMapping, splitParent } from './redis/keys.js';
import { contentCursor, readTree, readValue } from './redis/read.js';

export type { RedisOptions } from './redis/connection.js';

type KvDependency = Dependency & { type: 'kv.get' | 'kv.list' };
type KvData = string | null | ReadonlyMap<string, string>;

const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** The change feed PINGs this often at most, so a frozen server is noticed within interval + timeout. */
const MAX_PING_INTERVAL_MS = 5_000;

/**
 * Returns the Redis backend: kv.get and kv.list over strings and hashes, with confd's key
 * mapping and separator. `changes` listens to keyspace notifications (or client tracking, or
 * polls), re-reads the dependency on each notice and yields only when its contents changed.
 */
export function createRedisBackend(options: RedisOptions): Backend {
  if (options.nodes.length === 0) throw new CtmplError('BACKEND', 'redis: no nodes given');
  const nodes = options.nodes.map(parseNode);
  const keys = new KeyMapping(options.separator);
  const log = options.log ?? (() => {});
  const description = `redis ${options.nodes.join(',')}`;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const feeds = new FeedHub({
    password: options.password,
    timeoutMs,
    pingIntervalMs: Math.min(MAX_PING_INTERVAL_MS, timeoutMs),
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    log,
  });
  let current: { client: RedisClient; node: RedisNode } | undefined;
  let pending: Promise<{ client: RedisClient; node: RedisNode }> | undefined;

  /** The shared command connection, opened again after it was lost. */
  function connection(): Promise<{ client: RedisClient; node: RedisNode }> {
    if (current?.client.isReady) return Promise.resolve(current);
    if (current) closeClient(current.client);
    current = undefined;
    pending ??= connectAny(nodes, { password: options.password, timeoutMs }, log)
      .then((opened) => (current = opened))
      .finally(() => (pending = undefined));
    return pending;
  }

  async function read(dep: KvDependency, signal: AbortSignal): Promise<KvData> {
    const { client, node } = await connection();
    signal.throwIfAborted();
    const bounds = {
      ms: timeoutMs,
      signal,
      error: () => timeoutError(node, `reading ${dependencyKey(dep)}`, timeoutMs),
      // Replies that arrive after a timeout would answer the wrong commands: drop the connection.
      onTimeout: () => closeClient(client),
    };
    try {
      return await withTimeout<KvData>(
        ({ progress }) => (dep.type === 'kv.get' ? readValue(client, keys, dep.key) : readTree(client, keys, dep.prefix, progress)),
        bounds,
      );
    } catch (error) {
      if (signal.aborted) throw error;
      throw backendError(node, error);
    }
  }

  async function* follow(dep: KvDependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    const { client, node } = await connection();
    const feed = await feeds.open({ node, client }, feedTargets(keys, dep));
    log('debug', `${dependencyKey(dep)}: watching ${node.address} via ${feed.kind}`);
    try {
      let last = cursor;
      // The first read catches whatever changed between the snapshot (or a reconnect) and the feed.
      while (!signal.aborted) {
        const data = await read(dep, signal);
        const next = contentCursor(data);
        if (next !== last) {
          last = next;
          yield { data, cursor: next };
        } else {
          log('debug', `${dependencyKey(dep)}: same contents; not emitting`);
        }
        await feed.next(signal);
      }
    } finally {
      feed.close();
    }
  }

  return {
    description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep, signal) {
      const data = await read(requireKv(dep, description), signal);
      return { data, cursor: contentCursor(data) };
    },
    changes(dep, cursor, signal) {
      return follow(requireKv(dep, description), cursor, signal);
    },
    async close() {
      feeds.close();
      const opening = await pending?.catch(() => undefined);
      for (const opened of new Set([current, opening])) if (opened) closeClient(opened.client);
      current = undefined;
    },
  } satisfies Backend;
}

/** The keys whose changes can change a dependency: the key and its hash parent, or a prefix tree. */
function feedTargets(keys: KeyMapping, dep: KvDependency): FeedTargets {
  if (dep.type === 'kv.get') {
    const parent = splitParent(dep.key);
    return { exactKeys: [keys.toKey(dep.key), ...(parent ? [keys.toKey(parent[0])] : [])], prefixes: [] };
  }
  const isRoot = normalizeKvPath(dep.prefix) === '/';
  return { exactKeys: isRoot ? [] : [keys.toKey(dep.prefix)], prefixes: [keys.childBase(dep.prefix)] };
}

function requireKv(dep: Dependency, description: string): KvDependency {
  if (dep.type === 'kv.get' || dep.type === 'kv.list') return dep;
  throw new CtmplError('BACKEND', `${description}: ${dependencyKey(dep)}: not supported by redis`);
}
