import { createClient } from 'redis';
import { CtmplError, messageOf } from '../../errors.js';
import { splitCredentials } from '../../redact.js';
import { withTimeout } from '../deadline.js';
import type { LogFunction } from '../../types/log.js';

export interface RedisOptions {
  /** "host:port", "host:port/db", or a unix socket path ("/run/redis.sock", "/run/redis.sock/2"); tried in order. */
  readonly nodes: readonly string[];
  readonly password?: string;
  /** confd's -separator: keys stored as "app:port" are read as the path "/app/port". Default "/". */
  readonly separator?: string;
  /** How often to re-read when the server offers neither keyspace notifications nor tracking. Default 1000. */
  readonly pollIntervalMs?: number;
  /**
   * How long a connect, a command (each step of a prefix read) or a change feed PING may wait for
   * an answer before the server counts as unreachable. Default 10000.
   */
  readonly commandTimeoutMs?: number;
  readonly log?: LogFunction;
}

/** One node of the `nodes` option, as given and as parsed. */
export interface RedisNode {
  /** The address as given, without credentials: safe to show. */
  readonly address: string;
  /** From `redis://user:password@host`: AUTH with these (ACL user when named). */
  readonly username?: string;
  readonly password?: string;
  readonly socket: { readonly host: string; readonly port: number } | { readonly path: string };
  readonly db: number;
}

export type RedisClient = ReturnType<typeof createClient>;

export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** Parses "host:port", "host:port/db", "host", or a unix socket path with an optional "/db". */
export function parseNode(given: string): RedisNode {
  const { address, ...credentials } = splitCredentials(given.trim());
  const text = address.replace(/^redis:\/\//, '');
  const dbMatch = /^(.*)\/(\d+)$/.exec(text);
  const target = dbMatch ? dbMatch[1]! : text;
  const db = dbMatch ? Number(dbMatch[2]) : 0;
  if (target.startsWith('/')) return { address, ...credentials, socket: { path: target }, db };
  const portMatch = /^(.*):(\d+)$/.exec(target);
  const host = (portMatch ? portMatch[1]! : target).replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { address, ...credentials, socket: { host, port: portMatch ? Number(portMatch[2]) : 6379 }, db };
}

/** True when Redis refused our credentials (its error codes WRONGPASS, NOAUTH, or a rejected AUTH). */
export function isAuthError(error: unknown): boolean {
  return /^(WRONGPASS|NOAUTH|NOPERM)|^ERR (AUTH|invalid password)/.test(messageOf(error));
}

/** Wraps any failure as a CtmplError('BACKEND') naming the node; auth failures say so. */
export function backendError(node: RedisNode, error: unknown): CtmplError {
  if (error instanceof CtmplError) return error;
  const what = isAuthError(error) ? `authentication failed: ${messageOf(error)}` : messageOf(error);
  return new CtmplError('BACKEND', `redis ${node.address}: ${what}`, { cause: error });
}

/** The error of an operation a node did not answer in time. */
export function timeoutError(node: RedisNode, what: string, ms: number): CtmplError {
  return new CtmplError('BACKEND', `redis ${node.address}: ${what} timed out after ${ms} ms`);
}

export interface ConnectOptions {
  readonly password: string | undefined;
  readonly timeoutMs: number;
  readonly RESP?: 3;
}

/**
 * Connects to one node. The client never reconnects or queues commands while offline: a lost
 * connection fails the next command, and the retry wrapper decides when to try again.
 */
export async function connectNode(node: RedisNode, options: ConnectOptions): Promise<RedisClient> {
  const { timeoutMs } = options;
  const password = node.password ?? options.password;
  const client = createClient({
    socket: { ...node.socket, connectTimeout: timeoutMs, reconnectStrategy: false },
    database: node.db,
    disableOfflineQueue: true,
    disableClientInfo: true,
    ...(password ? { password } : {}),
    ...(node.username ? { username: node.username } : {}),
    ...(options.RESP === 3 ? { RESP: 3, emitInvalidate: true } : {}),
  }) as RedisClient;
  // Without a listener an 'error' event would crash the process; the failing command reports it.
  client.on('error', () => {});
  try {
    // A frozen server still completes the TCP handshake (the kernel does it), so the whole
    // handshake and the first PING are bounded, not just the socket connect.
    await withTimeout(
      async () => {
        await client.connect();
        // Without a password a protected server accepts the connection and refuses the first command.
        await client.ping();
      },
      { ms: timeoutMs, error: () => timeoutError(node, 'connect', timeoutMs) },
    );
    return client;
  } catch (error) {
    closeClient(client);
    throw backendError(node, error);
  }
}

/** Connects to the first node that answers; an auth failure stops the search (the next node would refuse too). */
export async function connectAny(
  nodes: readonly RedisNode[],
  options: ConnectOptions,
  log: LogFunction,
): Promise<{ client: RedisClient; node: RedisNode }> {
  let lastError: unknown;
  for (const node of nodes) {
    try {
      return { client: await connectNode(node, options), node };
    } catch (error) {
      if (isAuthError((error as Error).cause)) throw error;
      lastError = error;
      if (nodes.length > 1) log('warn', `${messageOf(error)}; trying the next node`);
    }
  }
  throw lastError;
}

/** Closes a client without waiting for a server that may be gone. */
export function closeClient(client: { isOpen: boolean; destroy(): void }): void {
  if (client.isOpen) client.destroy();
}
