import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Agent, request, type Dispatcher } from '../http-client.js';
import { CtmplError, isAbortError, messageOf } from '../../errors.js';
import { splitCredentials } from '../../redact.js';
import { withTimeout, type Deadline } from '../deadline.js';
import { GrpcSessions, GrpcStatusError, GrpcUnsupportedError, GRPC_UNAUTHENTICATED } from './grpc.js';
import { grpcRange, type RangeResult } from './grpc-range.js';
import { decode, type KeyRange } from './query.js';
import { StreamWatchdog } from './watchdog.js';
import type { LogFunction } from '../../types/log.js';
import type { TlsOptions } from '../../types/tls.js';

export interface EtcdOptions {
  /** Client URLs or host:port ("http://127.0.0.1:2379", "127.0.0.1:2379"); tried in order. */
  readonly nodes: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly tls?: TlsOptions;
  readonly log?: LogFunction;
  /** Called with the gateway path ("/v3/kv/range") before every HTTP request; for tests and metrics. */
  readonly onRequest?: (path: string) => void;
  /** How long a request (or a stream's headers) may take before the node counts as unreachable. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** A watch with no message and no answered probe for this long is stalled: it is dropped and retried. Default 30000. */
  readonly watchIdleTimeoutMs?: number;
  /** How often a quiet watch's node is probed (a count-only range of the watched key). Default: a third of the idle timeout, at most 10000. */
  readonly watchProbeIntervalMs?: number;
}

/** A cheap unary request that proves a stream's node still answers. */
export interface Probe {
  readonly path: string;
  readonly body: unknown;
}

interface Timing {
  readonly requestTimeoutMs: number;
  readonly watchIdleTimeoutMs: number;
  readonly watchProbeIntervalMs: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_WATCH_IDLE_TIMEOUT_MS = 30_000;
const MAX_PROBE_INTERVAL_MS = 10_000;

interface JsonRange {
  readonly header?: { readonly revision?: string };
  readonly kvs?: readonly { readonly key: string; readonly value?: string }[];
}

interface GatewayFailure {
  readonly status: number;
  readonly code: number | undefined;
  readonly message: string;
}

/**
 * The etcd v3 JSON gateway over undici with its own Agent: node failover, auth tokens, JSON calls
 * and newline-delimited JSON streams. Every error is a CtmplError('BACKEND') naming the node.
 */
export class EtcdGateway {
  readonly description: string;
  readonly #options: EtcdOptions;
  readonly #nodes: readonly string[];
  readonly #agent: Agent;
  readonly #timing: Timing;
  readonly #credentials: { readonly username?: string; readonly password?: string };
  readonly #grpc: GrpcSessions;
  /** Nodes that answered the gRPC range as something else: ranges there go through the JSON gateway. */
  readonly #jsonOnly = new Set<string>();
  #current = 0;
  /** Simple tokens are node-local, so a token is only good for the node that issued it. */
  #token: { readonly node: string; readonly value: string } | undefined;

  constructor(options: EtcdOptions) {
    if (options.nodes.length === 0) throw new CtmplError('BACKEND', 'etcd: no nodes given');
    this.#options = options;
    const parsed = options.nodes.map(splitCredentials);
    this.#nodes = parsed.map((node) => normalizeNode(node.address, options.tls !== undefined));
    // -username/-password win; else the first node URL that names a user (http://user:pw@host:2379).
    const fromUrl = parsed.find((node) => node.username !== undefined) ?? {};
    this.#credentials = options.username ? { username: options.username, password: options.password ?? '' } : fromUrl;
    this.description = `etcd ${this.#nodes.join(',')}`;
    // Not capped: every watch stream holds a connection for as long as it runs (reads go over one
    // HTTP/2 session instead).
    this.#agent = new Agent({ connect: tlsConnectOptions(options.tls) });
    this.#grpc = new GrpcSessions(tlsConnectOptions(options.tls));
    this.#timing = timingOf(options);
  }

  /** POSTs `body` to `path` and returns the JSON answer; fails over to the next node on connection errors and timeouts. */
  async call<T>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const { value } = await this.#send(path, signal, (node, deadline) => this.#callNode<T>(node, path, body, deadline.signal));
    return value;
  }

  /**
   * Reads one key range (at `revision` when given) with the same failover as `call`. It goes over
   * gRPC, which etcd serves on the same port, and through the JSON gateway where gRPC is refused.
   */
  async range(range: KeyRange, revision: string | undefined, signal: AbortSignal): Promise<RangeResult> {
    const path = '/v3/kv/range';
    const { value } = await this.#send(path, signal, async (node, deadline) => {
      if (!this.#jsonOnly.has(node)) {
        try {
          return await this.#grpcRange(node, range, revision, deadline.signal);
        } catch (error) {
          if (!(error instanceof GrpcUnsupportedError)) throw error;
          this.#options.log?.('debug', `etcd ${node}: no gRPC (${error.message}); reading ranges through the JSON gateway`);
          this.#jsonOnly.add(node);
        }
      }
      const answer = await this.#callNode<JsonRange>(node, path, { ...range, revision }, deadline.signal);
      return { revision: answer.header?.revision ?? '0', kvs: (answer.kvs ?? []).map((kv) => [decode(kv.key), decode(kv.value ?? '')] as [string, string]) };
    });
    return value;
  }

  async #grpcRange(node: string, range: KeyRange, revision: string | undefined, signal: AbortSignal): Promise<RangeResult> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.#tokenFor(node, signal);
      this.#options.onRequest?.('/v3/kv/range');
      try {
        return await grpcRange(this.#grpc, node, range, { revision }, token, signal);
      } catch (error) {
        if (!(error instanceof GrpcStatusError)) throw error;
        if (error.code === GRPC_UNAUTHENTICATED && token !== undefined && attempt === 1) {
          this.#options.log?.('debug', `etcd ${node}: ${error.message}; authenticating again`);
          this.#token = undefined;
          continue;
        }
        throw new CtmplError('BACKEND', `etcd ${node}: /v3/kv/range: ${error.message}`);
      }
    }
  }

  /**
   * POSTs `messages` (newline-delimited JSON) to a streaming `path` and yields each JSON line until
   * the stream ends or `signal` aborts; `onOpen` is called once the node answered. With `probe`, a
   * watchdog ends a stream whose node went silent with a CtmplError.
   */
  async *stream(path: string, messages: readonly unknown[], signal: AbortSignal, probe?: Probe, onOpen?: () => void): AsyncGenerator<unknown> {
    const body = messages.map((message) => JSON.stringify(message)).join('\n');
    const local = new AbortController();
    const abort = () => local.abort();
    signal.addEventListener('abort', abort, { once: true });
    let node = this.#nodes[this.#current]!;
    let watchdog: StreamWatchdog | undefined;
    let isStalled = false;
    try {
      const sent = await this.#send(path, local.signal, (to, deadline) => this.#openStream(to, path, body, local.signal, deadline));
      node = sent.node;
      onOpen?.();
      if (probe) {
        watchdog = this.#watchdog(node, probe, () => {
          isStalled = true;
          local.abort();
        });
      }
      const decoder = new StringDecoder('utf8');
      let pending = '';
      for await (const chunk of sent.value.body) {
        watchdog?.alive();
        pending += decoder.write(chunk as Buffer);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) yield JSON.parse(line) as unknown;
      }
    } catch (error) {
      if (isStalled) throw new CtmplError('BACKEND', `etcd ${node}: ${path}: no answer for ${this.#timing.watchIdleTimeoutMs} ms`);
      if (signal.aborted || local.signal.aborted) return;
      if (error instanceof CtmplError) throw error;
      throw new CtmplError('BACKEND', `etcd ${node}: ${path}: ${messageOf(error)}`, { cause: error });
    } finally {
      watchdog?.stop();
      signal.removeEventListener('abort', abort);
      // Leaving the loop early (compaction, consumer stopped) must close the HTTP stream.
      local.abort();
    }
  }

  /** Closes every connection, streams included. */
  async close(): Promise<void> {
    this.#grpc.close();
    await this.#agent.destroy();
  }

  #watchdog(node: string, probe: Probe, onStall: () => void): StreamWatchdog {
    const { watchIdleTimeoutMs, watchProbeIntervalMs } = this.#timing;
    return new StreamWatchdog({
      idleTimeoutMs: watchIdleTimeoutMs,
      probeIntervalMs: watchProbeIntervalMs,
      // The probe goes to the stream's own node: another node answering proves nothing about this stream.
      probe: (signal) => this.#bounded(node, probe.path, signal, (deadline) => this.#callNode(node, probe.path, probe.body, deadline.signal)),
      onStall,
    });
  }

  /** One unary call to one node, its answer read in full. */
  async #callNode<T>(node: string, path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const response = await this.#sendTo(node, path, body, signal, false);
    return (await response.body.json()) as T;
  }

  /**
   * Opens a stream on one node. The deadline only covers waiting for its headers (a quiet stream
   * is the watchdog's business), so the request follows the stream's own `signal` afterwards.
   */
  async #openStream(node: string, path: string, body: unknown, signal: AbortSignal, deadline: Deadline): Promise<Dispatcher.ResponseData> {
    const request = new AbortController();
    const abort = () => request.abort();
    // `signal` always aborts when the stream ends, which drops this listener.
    signal.addEventListener('abort', abort, { once: true });
    deadline.signal.addEventListener('abort', abort, { once: true });
    try {
      return await this.#sendTo(node, path, body, request.signal, true);
    } finally {
      deadline.signal.removeEventListener('abort', abort);
    }
  }

  /** Runs `attempt` on each node in turn until one succeeds; a node that failed or timed out hands over to the next. */
  async #send<T>(path: string, signal: AbortSignal, attempt: (node: string, deadline: Deadline) => Promise<T>): Promise<{ value: T; node: string }> {
    let lastError: unknown;
    for (let tried = 0; tried < this.#nodes.length; tried += 1) {
      const index = (this.#current + tried) % this.#nodes.length;
      const node = this.#nodes[index]!;
      let isTimeout = false;
      try {
        const value = await this.#bounded(node, path, signal, (deadline) => attempt(node, deadline), () => (isTimeout = true));
        this.#current = index;
        return { value, node };
      } catch (error) {
        if (signal.aborted || (!isTimeout && (isAbortError(error) || error instanceof CtmplError))) throw error;
        const failure = error instanceof CtmplError ? error : new CtmplError('BACKEND', `etcd ${node}: ${messageOf(error)}`, { cause: error });
        lastError = failure;
        if (this.#nodes.length > 1) this.#options.log?.('warn', `${failure.message}; trying the next node`);
      }
    }
    throw lastError;
  }

  /** Runs one request to `node` within the request timeout. */
  #bounded<T>(node: string, path: string, signal: AbortSignal, operation: (deadline: Deadline) => Promise<T>, onTimeout?: () => void): Promise<T> {
    const ms = this.#timing.requestTimeoutMs;
    const error = () => new CtmplError('BACKEND', `etcd ${node}: ${path}: timed out after ${ms} ms`);
    return withTimeout(operation, { ms, signal, error, ...(onTimeout ? { onTimeout } : {}) });
  }

  /** One request to one node; re-authenticates once when the token was rejected. */
  async #sendTo(node: string, path: string, body: unknown, signal: AbortSignal, isStream: boolean) {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.#tokenFor(node, signal);
      const response = await this.#post(node, path, body, signal, isStream, token);
      if (response.statusCode === 200) return response;
      const failure = await readFailure(response);
      if (failure.code === GRPC_UNAUTHENTICATED && token !== undefined && attempt === 1) {
        this.#options.log?.('debug', `etcd ${node}: ${failure.message}; authenticating again`);
        this.#token = undefined;
        continue;
      }
      throw new CtmplError('BACKEND', `etcd ${node}: ${path}: ${failure.message}`);
    }
  }

  async #tokenFor(node: string, signal: AbortSignal): Promise<string | undefined> {
    const { username, password } = this.#credentials;
    if (!username) return undefined;
    if (this.#token?.node === node) return this.#token.value;
    const response = await this.#post(node, '/v3/auth/authenticate', { name: username, password: password ?? '' }, signal, false);
    if (response.statusCode !== 200) {
      const failure = await readFailure(response);
      throw new CtmplError('BACKEND', `etcd ${node}: authentication failed: ${failure.message}`);
    }
    const answer = (await response.body.json()) as { token?: string };
    if (!answer.token) throw new CtmplError('BACKEND', `etcd ${node}: authentication failed: auth is not enabled`);
    this.#token = { node, value: answer.token };
    return answer.token;
  }

  #post(node: string, path: string, body: unknown, signal: AbortSignal, isStream: boolean, token?: string) {
    this.#options.onRequest?.(path);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = token;
    return request(`${node}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      dispatcher: this.#agent,
      signal,
      headersTimeout: this.#timing.requestTimeoutMs,
      // A watch may stay silent for hours; only unary calls get a body timeout.
      bodyTimeout: isStream ? 0 : this.#timing.requestTimeoutMs,
    });
  }
}

function timingOf(options: EtcdOptions): Timing {
  const watchIdleTimeoutMs = options.watchIdleTimeoutMs ?? DEFAULT_WATCH_IDLE_TIMEOUT_MS;
  return {
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    watchIdleTimeoutMs,
    // Several probes fit in the idle bound, so one slow answer does not end a healthy watch.
    watchProbeIntervalMs: options.watchProbeIntervalMs ?? Math.min(MAX_PROBE_INTERVAL_MS, watchIdleTimeoutMs / 3),
  };
}

async function readFailure(response: Dispatcher.ResponseData): Promise<GatewayFailure> {
  const text = await response.body.text();
  try {
    const json = JSON.parse(text) as { error?: string; message?: string; code?: number };
    return { status: response.statusCode, code: json.code, message: json.message ?? json.error ?? text };
  } catch {
    return { status: response.statusCode, code: undefined, message: `HTTP ${response.statusCode}: ${text.slice(0, 200)}` };
  }
}

/** "127.0.0.1:2379" → "http://127.0.0.1:2379" (https with TLS); no trailing slash. */
export function normalizeNode(node: string, isTls: boolean): string {
  const trimmed = node.trim().replace(/\/+$/, '');
  return /^https?:\/\//.test(trimmed) ? trimmed : `${isTls ? 'https' : 'http'}://${trimmed}`;
}

function tlsConnectOptions(tls: TlsOptions | undefined) {
  if (!tls) return {};
  const read = (file: string | undefined) => {
    try {
      return file ? readFileSync(file) : undefined;
    } catch (error) {
      throw new CtmplError('BACKEND', `etcd: tls: ${messageOf(error)}`, { cause: error });
    }
  };
  return {
    ca: read(tls.caFile),
    cert: read(tls.certFile),
    key: read(tls.keyFile),
    servername: tls.serverName,
    rejectUnauthorized: tls.verify,
  };
}
