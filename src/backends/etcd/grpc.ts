import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type SecureClientSessionOptions } from 'node:http2';

export const GRPC_UNAUTHENTICATED = 16;
export const GRPC_INTERNAL = 13;

/** etcd answered with a gRPC status other than OK. */
export class GrpcStatusError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** The node answered, but not as a gRPC server (an HTTP/1.1 proxy in front of the JSON gateway, say). */
export class GrpcUnsupportedError extends Error {}

/** How a connection fails when the node does not speak HTTP/2: an HTTP/1.1 server, a TLS server without h2. */
const NOT_HTTP2 = new Set(['ERR_HTTP2_ERROR', 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL']);

type NodeError = Error & { readonly code?: string };

interface PooledSession {
  readonly session: ClientHttp2Session;
  openCalls: number;
}

/**
 * The HTTP/2 sessions to etcd nodes that every gRPC call shares: ranges and watches to one node go
 * over one connection, each call its own stream. Another connection opens only when the node's
 * concurrent-stream limit is reached (over TLS, etcd allowed 250 until --max-concurrent-streams,
 * etcd-io/etcd#14169); past it, Node would queue a call until another ends, which a watch never does.
 */
export class GrpcSessions {
  readonly #tls: SecureClientSessionOptions;
  readonly #pools = new Map<string, PooledSession[]>();

  constructor(tls: SecureClientSessionOptions) {
    this.#tls = tls;
  }

  /** Starts a call of `method` ("/etcdserverpb.KV/Range") on `node`; `signal` ends it. */
  call(node: string, method: string, token: string | undefined, signal: AbortSignal): GrpcCall {
    const pooled = this.#sessionWithRoom(node);
    const headers: Record<string, string> = { ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' };
    if (token) headers.token = token;
    const call = new GrpcCall(pooled.session.request(headers, { signal }));
    pooled.openCalls += 1;
    call.stream.once('close', () => (pooled.openCalls -= 1));
    return call;
  }

  /** Drops every connection to `node`, failing its calls with `error`: the node stopped answering, and a dead connection would not say so. */
  reset(node: string, error: Error): void {
    for (const { session } of this.#pools.get(node) ?? []) session.destroy(error);
    this.#pools.delete(node);
  }

  close(): void {
    for (const pool of this.#pools.values()) for (const { session } of pool) session.destroy();
    this.#pools.clear();
  }

  #sessionWithRoom(node: string): PooledSession {
    // A session can end without an event (a TLS handshake the server rejects after it completed on
    // this side), so the pool is filtered rather than trusted.
    const pool = (this.#pools.get(node) ?? []).filter(({ session }) => !session.closed && !session.destroyed);
    this.#pools.set(node, pool);
    // Before the node's SETTINGS arrive, the limit reads as unlimited: a server with a lower one
    // refuses the extra streams of that first burst, and those calls fail and are retried.
    const roomy = pool.find(({ session, openCalls }) => openCalls < (session.remoteSettings.maxConcurrentStreams ?? Infinity));
    if (roomy) return roomy;
    const pooled: PooledSession = { session: connect(node, this.#tls), openCalls: 0 };
    const forget = () => {
      const current = this.#pools.get(node);
      const index = current?.indexOf(pooled) ?? -1;
      if (index >= 0) current!.splice(index, 1);
    };
    // A broken session fails its calls, one that got GOAWAY finishes them; new calls go elsewhere.
    pooled.session.on('error', forget);
    pooled.session.on('close', forget);
    pooled.session.on('goaway', forget);
    pool.push(pooled);
    return pooled;
  }
}

/**
 * One gRPC call (an HTTP/2 stream): requests go out as length-prefixed messages, and the answer's
 * messages are read as they arrive, then its status.
 */
export class GrpcCall {
  readonly stream: ClientHttp2Stream;
  #status: string | undefined;
  #statusMessage = '';
  #unsupported: GrpcUnsupportedError | undefined;
  #hasAnswered = false;

  constructor(stream: ClientHttp2Stream) {
    this.stream = stream;
    // Errors reach the reader through messages(); one after it stopped reading (the abort that
    // drops a finished watch) has no one left to tell.
    stream.on('error', () => {});
    stream.on('response', (headers) => {
      this.#hasAnswered = true;
      const contentType = String(headers['content-type'] ?? '');
      if (!contentType.startsWith('application/grpc')) {
        this.#unsupported = new GrpcUnsupportedError(`HTTP ${headers[':status']} ${contentType}`);
        stream.close(constants.NGHTTP2_CANCEL);
      }
      // A call that fails at once answers with headers only, its status among them.
      this.#readStatus(headers);
    });
    stream.on('trailers', (trailers) => this.#readStatus(trailers));
  }

  /** Sends one message; `isLast` closes the request side. */
  send(message: Buffer, isLast: boolean): void {
    if (isLast) this.stream.end(frame(message));
    else this.stream.write(frame(message));
  }

  /**
   * Yields each message of the answer; `onData` is called for every chunk received, however small.
   * Ends when the call ended with status OK, else throws a GrpcStatusError.
   */
  async *messages(onData?: () => void): AsyncGenerator<Buffer> {
    const deframer = new GrpcDeframer();
    try {
      for await (const chunk of this.stream) {
        onData?.();
        yield* deframer.push(chunk as Buffer);
      }
    } catch (error) {
      throw this.#unsupported ?? this.#connectionFailure(error as NodeError);
    }
    if (this.#unsupported) throw this.#unsupported;
    if (!deframer.isEmpty) throw new GrpcStatusError(GRPC_INTERNAL, 'truncated gRPC message');
    if (this.#status !== '0') {
      throw new GrpcStatusError(Number(this.#status ?? 2), this.#statusMessage || `gRPC status ${this.#status ?? 'missing'}`);
    }
  }

  /** The reason a call failed before any answer, unwrapped from the stream's cancellation. */
  #connectionFailure(error: NodeError): Error {
    if (this.#hasAnswered) return error;
    const cause = error.code === 'ERR_HTTP2_STREAM_CANCEL' && error.cause instanceof Error ? (error.cause as NodeError) : error;
    return NOT_HTTP2.has(cause.code ?? '') ? new GrpcUnsupportedError(cause.message) : cause;
  }

  #readStatus(headers: Record<string, unknown>): void {
    const status = headers['grpc-status'];
    if (status === undefined) return;
    this.#status = String(status);
    this.#statusMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
  }
}

/** A gRPC length-prefixed message: flag 0 (not compressed), 4-byte big-endian length. */
export function frame(message: Buffer): Buffer {
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  message.copy(framed, 5);
  return framed;
}

/** Cuts a stream of bytes into gRPC messages, whichever way the bytes were split into chunks. */
export class GrpcDeframer {
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** The length of the message being received, once its 5-byte prefix is in. */
  #expected: number | undefined;

  /** Takes the next chunk; returns the messages it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.#expected === undefined) {
        if (this.#buffered < 5) break;
        const prefix = this.#take(5);
        if (prefix[0] !== 0) throw new GrpcStatusError(GRPC_INTERNAL, 'compressed gRPC message');
        this.#expected = prefix.readUInt32BE(1);
      }
      if (this.#buffered < this.#expected) break;
      messages.push(this.#take(this.#expected));
      this.#expected = undefined;
    }
    return messages;
  }

  /** True between messages: nothing of a next one received. */
  get isEmpty(): boolean {
    return this.#buffered === 0 && this.#expected === undefined;
  }

  // Chunks are joined only once a whole prefix or message is in, so a big message costs one copy.
  #take(length: number): Buffer {
    const joined = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered);
    const rest = joined.subarray(length);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return joined.subarray(0, length);
  }
}
