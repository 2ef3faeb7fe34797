import { connect, type Socket } from 'node:net';
import { CtmplError, messageOf } from '../../errors.js';
import { JuteReader, JuteWriter } from './jute.js';

/** Request types of ZooKeeper's client protocol (ZooDefs.OpCode) this client sends. */
export const OpCode = {
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  ping: 11,
  getChildren2: 12,
  closeSession: -11,
} as const;

/** Reply error codes (KeeperException.Code) the backend branches on. */
export const ReplyCode = { ok: 0, noNode: -101, noAuth: -102, nodeExists: -110 } as const;

const NOTIFICATION_XID = -1;
const PING_XID = -2;
/** Watcher event types (Watcher.Event.EventType); -1 is a state change, not about a node. */
const EventType = { created: 1, deleted: 2, dataChanged: 3, childrenChanged: 4 } as const;

/** A reply with a non-zero error code; `replyCode` is ZooKeeper's KeeperException code. */
export class ZkReplyError extends Error {
  constructor(
    readonly replyCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ZkReplyError';
  }
}

/** Told once when a one-shot watch it was registered for fires. */
export interface Watcher {
  notify(): void;
}

/** Which server-side watch a read sets: getData and exists set a data watch, getChildren a child watch. */
export type WatchKind = 'data' | 'child';

export interface ZkNode {
  /** As given, for messages: "127.0.0.1:2181". */
  readonly address: string;
  readonly host: string;
  readonly port: number;
}

export interface SessionOptions {
  /** The session timeout asked for; the server may clamp it to its min/max. */
  readonly sessionTimeoutMs: number;
  /** How long the TCP connect plus the session handshake may take. */
  readonly connectTimeoutMs: number;
}

/** Parses "host:port", "host" (port 2181) or "[v6]:port". */
export function parseNode(address: string): ZkNode {
  const text = address.trim();
  const match = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(text);
  if (!match) throw new CtmplError('USAGE', `zookeeper: invalid node "${address}" (want host:port)`);
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { address: text, host, port: match[2] ? Number(match[2]) : 2181 };
}

interface Pending {
  readonly xid: number;
  resolve(reader: JuteReader): void;
  reject(error: Error): void;
}

/**
 * One TCP connection carrying one ZooKeeper session. Requests are pipelined and answered in
 * order; pings keep the session alive and prove the server is. The connection never reconnects:
 * when it is lost every pending call and `closed` reject, and the owner opens a new session
 * and re-reads (the watches died with the old one).
 */
export class ZkConnection {
  readonly node: ZkNode;
  readonly #socket: Socket;
  readonly #pending: Pending[] = [];
  readonly #watches = { data: new Map<string, Set<Watcher>>(), child: new Map<string, Set<Watcher>>() };
  #nextXid = 1;
  #inbox: Buffer = Buffer.alloc(0);
  #lastReceived = Date.now();
  #pingTimer: NodeJS.Timeout | undefined;
  #closedWith: CtmplError | undefined;
  readonly #closeListeners = new Set<(error: CtmplError) => void>();

  private constructor(node: ZkNode, socket: Socket, timeoutMs: number) {
    this.node = node;
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(`connection lost: ${messageOf(error)}`));
    socket.on('close', () => this.#fail('connection closed by the server'));
    this.#startPings(timeoutMs);
  }

  /** Opens a new session on `node`; rejects with a CtmplError('BACKEND') naming it. */
  static async open(node: ZkNode, options: SessionOptions): Promise<ZkConnection> {
    const socket = connect({ host: node.host, port: node.port });
    socket.setNoDelay(true);
    try {
      const { timeoutMs, rest } = await handshake(socket, options);
      const connection = new ZkConnection(node, socket, timeoutMs);
      if (rest.length > 0) connection.#receive(rest);
      return connection;
    } catch (error) {
      socket.destroy();
      throw new CtmplError('BACKEND', `zookeeper ${node.address}: ${messageOf(error)}`, { cause: error });
    }
  }

  get isOpen(): boolean {
    return this.#closedWith === undefined;
  }

  /** Calls `listener` with the error once the connection is lost (at once if it already is); returns the unsubscribe. */
  onClose(listener: (error: CtmplError) => void): () => void {
    if (this.#closedWith) {
      listener(this.#closedWith);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Sends a request of `op` with `body`; resolves with the reply body, rejects with ZkReplyError or the connection's error. */
  call(op: number, body: Buffer): Promise<JuteReader> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    const xid = this.#nextXid++;
    return new Promise((resolve, reject) => {
      this.#pending.push({ xid, resolve, reject });
      this.#socket.write(frame(xid, op, body));
    });
  }

  /** Registers `watcher` for the one-shot watch of `kind` on `path` that the next read sets. */
  watch(kind: WatchKind, path: string, watcher: Watcher): void {
    const byPath = this.#watches[kind];
    let watchers = byPath.get(path);
    if (!watchers) byPath.set(path, (watchers = new Set()));
    watchers.add(watcher);
  }

  /** Forgets `watcher` everywhere (its reads are over); the server's watches fire into nothing. */
  unwatch(watcher: Watcher): void {
    for (const byPath of [this.#watches.data, this.#watches.child]) {
      for (const [path, watchers] of byPath) if (watchers.delete(watcher) && watchers.size === 0) byPath.delete(path);
    }
  }

  /** Ends the session politely (closeSession), then the connection. */
  async close(): Promise<void> {
    if (this.#closedWith) return;
    const ending = this.call(OpCode.closeSession, Buffer.alloc(0)).catch(() => undefined);
    const timer = setTimeout(() => this.#socket.destroy(), 1_000);
    await ending;
    clearTimeout(timer);
    this.#fail('connection closed');
    this.#socket.destroy();
  }

  #startPings(timeoutMs: number): void {
    // As the Java client: ping after a third of the session timeout; no answer within two thirds is a dead server.
    const every = Math.max(Math.floor(timeoutMs / 3), 50);
    const deadline = Math.floor((timeoutMs * 2) / 3);
    this.#pingTimer = setInterval(() => {
      if (Date.now() - this.#lastReceived > deadline) {
        this.#fail(`no answer within ${deadline} ms`);
        this.#socket.destroy();
        return;
      }
      this.#socket.write(frame(PING_XID, OpCode.ping, Buffer.alloc(0)));
    }, every);
    this.#pingTimer.unref();
  }

  #receive(chunk: Buffer): void {
    this.#lastReceived = Date.now();
    this.#inbox = this.#inbox.length === 0 ? chunk : Buffer.concat([this.#inbox, chunk]);
    while (this.#inbox.length >= 4) {
      const length = this.#inbox.readInt32BE(0);
      if (this.#inbox.length < 4 + length) return;
      const packet = this.#inbox.subarray(4, 4 + length);
      this.#inbox = this.#inbox.subarray(4 + length);
      this.#dispatch(new JuteReader(packet));
    }
  }

  #dispatch(reader: JuteReader): void {
    const xid = reader.int();
    reader.long(); // zxid
    const code = reader.int();
    if (xid === PING_XID) return;
    if (xid === NOTIFICATION_XID) return this.#notify(reader);
    const pending = this.#pending.shift();
    if (!pending || pending.xid !== xid) {
      this.#fail(`reply ${xid} out of order (expected ${pending?.xid ?? 'none'})`);
      this.#socket.destroy();
      return;
    }
    if (code === ReplyCode.ok) pending.resolve(reader);
    else pending.reject(new ZkReplyError(code, `error ${code}`));
  }

  #notify(reader: JuteReader): void {
    const type = reader.int();
    reader.int(); // keeper state
    const path = reader.string() ?? '';
    if (type < EventType.created) return;
    const kinds: WatchKind[] =
      type === EventType.childrenChanged ? ['child'] : type === EventType.deleted ? ['data', 'child'] : ['data'];
    const fired = new Set<Watcher>();
    for (const kind of kinds) {
      for (const watcher of this.#watches[kind].get(path) ?? []) fired.add(watcher);
      this.#watches[kind].delete(path);
    }
    for (const watcher of fired) watcher.notify();
  }

  #fail(reason: string): void {
    if (this.#closedWith) return;
    const error = new CtmplError('BACKEND', `zookeeper ${this.node.address}: ${reason}`);
    this.#closedWith = error;
    clearInterval(this.#pingTimer);
    for (const pending of this.#pending.splice(0)) pending.reject(error);
    for (const listener of this.#closeListeners) listener(error);
    this.#closeListeners.clear();
  }
}

function frame(xid: number, op: number, body: Buffer): Buffer {
  const header = new JuteWriter().int(xid).int(op).bytes();
  const length = Buffer.alloc(4);
  length.writeInt32BE(header.length + body.length);
  return Buffer.concat([length, header, body]);
}

/** Connects and exchanges ConnectRequest/ConnectResponse; returns the negotiated timeout and any bytes after the response. */
function handshake(socket: Socket, options: SessionOptions): Promise<{ timeoutMs: number; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let inbox = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`no session within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error('connection closed during the handshake'));
    function finish(error: Error | null, result?: { timeoutMs: number; rest: Buffer }) {
      clearTimeout(timer);
      socket.off('data', onData).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve(result!);
    }
    function onData(chunk: Buffer) {
      inbox = Buffer.concat([inbox, chunk]);
      if (inbox.length < 4 || inbox.length < 4 + inbox.readInt32BE(0)) return;
      const length = inbox.readInt32BE(0);
      const reader = new JuteReader(inbox.subarray(4, 4 + length));
      reader.int(); // protocol version
      const timeoutMs = reader.int();
      if (timeoutMs <= 0) return finish(new Error('session expired'));
      finish(null, { timeoutMs, rest: inbox.subarray(4 + length) });
    }
    socket.on('data', onData).on('error', onError).on('close', onClose);
    socket.once('connect', () => {
      const request = new JuteWriter()
        .int(0) // protocol version
        .long(0n) // last zxid seen
        .int(options.sessionTimeoutMs)
        .long(0n) // session id: a new session
        .buffer(Buffer.alloc(16))
        .bool(false); // read-only
      socket.write(request.frame());
    });
  });
}
