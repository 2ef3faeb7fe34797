import type { Backend, Snapshot } from './backend.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { CtmplError, messageOf } from '../errors.js';
import { contentHash } from './kv-data.js';
import { ZkConnection, ZkReplyError, parseNode, type SessionOptions, type Watcher, type ZkNode } from './zookeeper/connection.js';
import { readTree, readValue } from './zookeeper/read.js';

type KvDependency = Dependency & { type: 'kv.get' | 'kv.list' };
type KvData = string | null | ReadonlyMap<string, string>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ZookeeperOptions {
  /** "host:port" (port 2181 when absent); a session is opened on the first that answers, in order. */
  readonly nodes: readonly string[];
  /** Session timeout asked of the server; a server silent for two thirds of it counts as lost. Default 10000. */
  readonly sessionTimeoutMs?: number;
  /** How long a connect plus session handshake may take per node. Default 10000. */
  readonly connectTimeoutMs?: number;
  readonly log?: (level: LogLevel, message: string) => void;
}

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Returns the ZooKeeper backend (confd's `-backend zookeeper`): kv.get and kv.list over znodes,
 * mapped as confd maps them. `changes` sets ZooKeeper's one-shot watches with every read and
 * re-reads (re-arming them) when one fires. A lost connection or expired session fails the
 * feed; the retry wrapper then re-reads over a new session, which sets the watches anew.
 */
export function createZookeeperBackend(options: ZookeeperOptions): Backend {
  if (options.nodes.length === 0) throw new CtmplError('BACKEND', 'zookeeper: no nodes given');
  const nodes = options.nodes.map(parseNode);
  const description = `zookeeper ${options.nodes.join(',')}`;
  const log = options.log ?? (() => {});
  const session = {
    sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
  let current: ZkConnection | undefined;
  let pending: Promise<ZkConnection> | undefined;

  /** The shared session, opened again after it was lost. */
  function connection(): Promise<ZkConnection> {
    if (current?.isOpen) return Promise.resolve(current);
    current = undefined;
    pending ??= openAny(nodes, session, log)
      .then((opened) => (current = opened))
      .finally(() => (pending = undefined));
    return pending;
  }

  /** Reads `dep` over `opened` (the shared session by default), setting `watcher`'s watches when given. */
  async function read(dep: KvDependency, signal: AbortSignal, watcher?: Watcher, opened?: ZkConnection): Promise<KvData> {
    const session = opened ?? (await abortable(connection(), signal));
    const reading: Promise<KvData> =
      dep.type === 'kv.get' ? readValue(session, dep.key, watcher) : readTree(session, dep.prefix, watcher);
    try {
      return await abortable(reading, signal);
    } catch (error) {
      throw backendError(session.node, dep, error, signal);
    }
  }

  async function* follow(dep: KvDependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    const opened = await abortable(connection(), signal);
    const trigger = new WatchTrigger();
    log('debug', `${dependencyKey(dep)}: watching ${opened.node.address}`);
    try {
      let last = cursor;
      // The first read sets the watches and catches whatever changed since the snapshot.
      while (!signal.aborted) {
        trigger.arm();
        // Always the feed's own session: its watches and its loss are what `fired` follows.
        const data = await read(dep, signal, trigger, opened);
        const next = contentHash(data);
        if (next !== last) {
          last = next;
          yield { data, cursor: next };
        } else {
          log('debug', `${dependencyKey(dep)}: same contents; not emitting`);
        }
        await trigger.fired(opened, signal);
      }
    } finally {
      opened.unwatch(trigger);
    }
  }

  return {
    description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep, signal) {
      const data = await read(requireKv(dep, description), signal);
      return { data, cursor: contentHash(data) };
    },
    changes(dep, cursor, signal) {
      return follow(requireKv(dep, description), cursor, signal);
    },
    async close() {
      const opening = await pending?.catch(() => undefined);
      for (const opened of new Set([current, opening])) await opened?.close();
      current = undefined;
    },
  } satisfies Backend;
}

/**
 * The watcher one feed registers with every read. A watch that fires while the feed is still
 * reading is remembered, so the change is read on the next turn, never lost.
 */
class WatchTrigger implements Watcher {
  #isFired = false;
  #wake: (() => void) | undefined;

  arm(): void {
    this.#isFired = false;
  }

  notify(): void {
    this.#isFired = true;
    this.#wake?.();
  }

  /** Resolves once a watch fired (or `signal` aborted); rejects with the error that closed `connection`. */
  async fired(connection: ZkConnection, signal: AbortSignal): Promise<void> {
    if (this.#isFired || signal.aborted) return;
    let stopListening = () => {};
    let onAbort = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        this.#wake = onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
        stopListening = connection.onClose(reject);
      });
    } finally {
      this.#wake = undefined;
      signal.removeEventListener('abort', onAbort);
      stopListening();
    }
  }
}

/** Opens a session on the first node that accepts one; the error names every node tried. */
async function openAny(nodes: readonly ZkNode[], session: SessionOptions, log: NonNullable<ZookeeperOptions['log']>): Promise<ZkConnection> {
  const failures: string[] = [];
  for (const node of nodes) {
    try {
      const opened = await ZkConnection.open(node, session);
      log('debug', `zookeeper ${node.address}: session opened`);
      return opened;
    } catch (error) {
      failures.push(messageOf(error));
    }
  }
  throw new CtmplError('BACKEND', failures.join('; '));
}

function backendError(node: ZkNode, dep: KvDependency, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof CtmplError) return error;
  const what = error instanceof ZkReplyError ? `server answered ${error.message}` : messageOf(error);
  return new CtmplError('BACKEND', `zookeeper ${node.address}: ${dependencyKey(dep)}: ${what}`, { cause: error });
}

/** Settles like `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function requireKv(dep: Dependency, description: string): KvDependency {
  if (dep.type === 'kv.get' || dep.type === 'kv.list') return dep;
  throw new CtmplError('BACKEND', `${description}: ${dependencyKey(dep)}: not supported by zookeeper`);
}
