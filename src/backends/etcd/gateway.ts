import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Agent, Dispatcher } from '../http-client.js';
import { CtmplError, isAbortError, messageOf } from '../../errors.js';
import { splitCredentials } from '../../redact.js';
import { withTimeout, type Deadline } from '../deadline.js';
import { GrpcSessions, GrpcStatusError, GrpcUnsupportedError, GRPC_UNAUTHENTICATED } from './grpc.js';
import { grpcRange, type RangeOptions, type RangeResult } from './grpc-range.js';
import { grpcWatch, type WatchCreate } from './grpc-watch.js';
import { decode, type KeyRange, type WatchEvent, type WatchResponse } from './query.js';
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
  /** Called with the gateway path of every request ("/v3/kv/range", "/v3/watch"), gRPC ones included; for tests and metrics. */
  readonly onRequest?: (path: string) => void;
  /** How long a request (or opening a watch) may take before the node counts as unreachable. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** A watch with no message and no answered probe for this long is stalled: it is dropped and retried. Default 30000. */
  readonly watchIdleTimeoutMs?: number;
  /** How often a quiet watch's node is probed (a count-only range of the watched key). Default: a third of the idle timeout, at most 10000. */
  readonly watchProbeIntervalMs?: number;
}

interface Timing {
  readonly requestTimeoutMs: number;
  readonly watchIdleTimeoutMs: number;
  readonly watchProbeIntervalMs: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_WATCH_IDLE_TIMEOUT_MS = 30_000;
const MAX_PROBE_INTERVAL_MS = 10_000;
/** The gateway paths, which name calls in errors and `onRequest` whichever protocol carries them. */
const RANGE_PATH = '/v3/kv/range';
const WATCH_PATH = '/v3/watch';

interface JsonRange {
  readonly header?: { readonly revision?: string };
  readonly kvs?: readonly { readonly key: string; readonly value?: string }[];
}

/** One line of a JSON gateway watch stream (a PUT, the default, has no `type`). */
interface JsonWatchLine {
  readonly result?: {
    readonly canceled?: boolean;
    readonly cancel_reason?: string;
    readonly compact_revision?: string;
    readonly events?: readonly {
      readonly type?: 'PUT' | 'DELETE';
      readonly kv: { readonly key: string; readonly value?: string; readonly mod_revision?: string };
    }[];
  };
  readonly error?: { readonly message?: string };
}

interface GatewayFailure {
  readonly status: number;
  readonly code: number | undefined;
  readonly message: string;
}

/** A watch whose first answer arrived; `rest` yields the answers after it. */
interface OpenedWatch {
  readonly first: WatchResponse | undefined;
  readonly rest: AsyncGenerator<WatchResponse>;
}

/**
 * The etcd v3 client: ranges and watches over gRPC, which etcd serves on its client port, with one
 * HTTP/2 connection per node for all of them; through the JSON gateway (undici, its own Agent) on a
 * node that does not speak gRPC. Node failover and auth tokens for both. Every error is a
 * CtmplError('BACKEND') naming the node.
 */
export class EtcdGateway {
  readonly description: string;
  readonly #options: EtcdOptions;
  readonly #nodes: readonly string[];
  /** undici, loaded on first use: a run whose nodes speak gRPC, without auth, never needs it. */
  #http: Promise<{ readonly agent: Agent; readonly request: typeof import('../http-client.js').request }> | undefined;
  readonly #timing: Timing;
  readonly #credentials: { readonly username?: string; readonly password?: string };
  readonly #grpc: GrpcSessions;
  /** Nodes that answered gRPC as something else: calls there go through the JSON gateway. */
  readonly #jsonOnly = new Set<string>();
  /** When each node last answered a watch probe, and the probe in flight (see `#probeNode`). */
  readonly #probes = new Map<string, { answeredAt: number; inFlight?: Promise<void> }>();
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
    this.#grpc = new GrpcSessions(tlsConnectOptions(options.tls));
    this.#timing = timingOf(options);
  }

  /** Reads one key range (at `revision` when given); fails over to the next node on connection errors and timeouts. */
  async range(range: KeyRange, revision: string | undefined, signal: AbortSignal): Promise<RangeResult> {
    const { value } = await this.#send(RANGE_PATH, signal, (node, deadline) => this.#rangeOn(node, range, { revision }, deadline.signal));
    return value;
  }

  /**
   * Follows `create` until the watch ends or `signal` aborts, yielding each answer. Opening it
   * fails over like `range` and lasts until etcd's first answer; then a watchdog ends a watch whose
   * node went silent. A canceled watch is an error, unless etcd canceled it for a compaction.
   */
  async *watch(create: WatchCreate, signal: AbortSignal): AsyncGenerator<WatchResponse> {
    const local = new AbortController();
    const abort = () => local.abort();
    signal.addEventListener('abort', abort, { once: true });
    let node = this.#nodes[this.#current]!;
    let watchdog: StreamWatchdog | undefined;
    // At once, not when the consumer next resumes this generator, which it may never do.
    local.signal.addEventListener('abort', () => watchdog?.stop(), { once: true });
    let stall: CtmplError | undefined;
    let rest: AsyncGenerator<WatchResponse> | undefined;
    const onData = () => watchdog?.alive();
    try {
      const opened = await this.#send(WATCH_PATH, local.signal, (to, deadline) => this.#openWatch(to, create, local.signal, deadline, onData));
      node = opened.node;
      rest = opened.value.rest;
      watchdog = this.#watchdog(node, create.range, () => {
        const silence = `no answer for ${this.#timing.watchIdleTimeoutMs} ms`;
        stall = new CtmplError('BACKEND', `etcd ${node}: ${WATCH_PATH}: ${silence}`);
        local.abort();
        // Every call on the node's connection is as stuck as this one, and a connection that died
        // without a word would never say so: the next calls connect again.
        this.#grpc.reset(node, new Error(silence));
      });
      if (opened.value.first) yield unlessCanceled(node, opened.value.first);
      for await (const answer of rest) yield unlessCanceled(node, answer);
    } catch (error) {
      if (stall) throw stall;
      if (signal.aborted || local.signal.aborted) return;
      if (error instanceof CtmplError) throw error;
      throw new CtmplError('BACKEND', `etcd ${node}: ${WATCH_PATH}: ${messageOf(error)}`, { cause: error });
    } finally {
      watchdog?.stop();
      signal.removeEventListener('abort', abort);
      // Leaving early (compaction, consumer stopped) must end the call.
      local.abort();
      await rest?.return(undefined);
    }
  }

  /**
   * One unary call of the JSON gateway (`/v3/lease/grant`, `/v3/kv/txn`…), with the failover and
   * authentication of every other call; resolves to its JSON answer (int64 as strings, bytes base64).
   */
  async call<T>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const { value } = await this.#send(path, signal, (node, deadline) => this.#callNode<T>(node, path, body, deadline.signal));
    return value;
  }

  /** Closes every connection, watches included. */
  async close(): Promise<void> {
    this.#grpc.close();
    await (await this.#http)?.agent.destroy();
  }

  async #rangeOn(node: string, range: KeyRange, options: RangeOptions, signal: AbortSignal): Promise<RangeResult> {
    return this.#grpcOrJson(
      node,
      () => this.#grpcRange(node, range, options, signal),
      async () => {
        const body = { ...range, revision: options.revision, serializable: options.serializable, count_only: options.countOnly };
        const answer = await this.#callNode<JsonRange>(node, RANGE_PATH, body, signal);
        return { revision: answer.header?.revision ?? '0', kvs: (answer.kvs ?? []).map((kv) => [decode(kv.key), decode(kv.value ?? '')] as [string, string]) };
      },
    );
  }

  async #grpcRange(node: string, range: KeyRange, options: RangeOptions, signal: AbortSignal): Promise<RangeResult> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.#tokenFor(node, signal);
      this.#options.onRequest?.(RANGE_PATH);
      try {
        return await grpcRange(this.#grpc, node, range, options, token, signal);
      } catch (error) {
        if (!(error instanceof GrpcStatusError)) throw error;
        if (error.code === GRPC_UNAUTHENTICATED && this.#mayAuthenticateAgain(node, attempt)) {
          this.#options.log?.('debug', `etcd ${node}: ${error.message}; authenticating again`);
          this.#token = undefined;
          continue;
        }
        throw new CtmplError('BACKEND', `etcd ${node}: ${RANGE_PATH}: ${error.message}`);
      }
    }
  }

  /** Runs `grpc`, or `json` on a node that answered gRPC as something else (remembered for its later calls). */
  async #grpcOrJson<T>(node: string, grpc: () => Promise<T>, json: () => Promise<T>): Promise<T> {
    if (!this.#jsonOnly.has(node)) {
      try {
        return await grpc();
      } catch (error) {
        if (!(error instanceof GrpcUnsupportedError)) throw error;
        this.#options.log?.('debug', `etcd ${node}: no gRPC (${error.message}); using the JSON gateway`);
        this.#jsonOnly.add(node);
      }
    }
    return json();
  }

  /**
   * Opens a watch on one node and waits for its first answer: only that shows the node took it.
   * The deadline covers only the opening (a quiet watch is the watchdog's business), so the call
   * follows `signal` afterwards. Re-authenticates once when etcd refuses the token.
   */
  async #openWatch(node: string, create: WatchCreate, signal: AbortSignal, deadline: Deadline, onData: () => void): Promise<OpenedWatch> {
    for (let attempt = 1; ; attempt += 1) {
      const call = new AbortController();
      const abort = () => call.abort();
      // `signal` always aborts when the watch ends, which drops this listener.
      signal.addEventListener('abort', abort, { once: true });
      deadline.signal.addEventListener('abort', abort, { once: true });
      let refusal: string | undefined;
      try {
        const opened = await this.#grpcOrJson(
          node,
          () => firstAnswer(this.#grpcWatch(node, create, call.signal, onData)),
          () => firstAnswer(this.#jsonWatch(node, create, call.signal, onData)),
        );
        refusal = tokenRefusal(opened.first);
        if (refusal === undefined || !this.#mayAuthenticateAgain(node, attempt)) return opened;
      } catch (error) {
        if (!(error instanceof GrpcStatusError)) throw error;
        if (error.code !== GRPC_UNAUTHENTICATED || !this.#mayAuthenticateAgain(node, attempt)) {
          throw new CtmplError('BACKEND', `etcd ${node}: ${WATCH_PATH}: ${error.message}`);
        }
        refusal = error.message;
      } finally {
        deadline.signal.removeEventListener('abort', abort);
      }
      call.abort();
      this.#options.log?.('debug', `etcd ${node}: ${refusal}; authenticating again`);
      this.#token = undefined;
    }
  }

  /** A refused token is renewed once per request, and only a token this node issued. */
  #mayAuthenticateAgain(node: string, attempt: number): boolean {
    return attempt === 1 && this.#token?.node === node;
  }

  async *#grpcWatch(node: string, create: WatchCreate, signal: AbortSignal, onData: () => void): AsyncGenerator<WatchResponse> {
    const token = await this.#tokenFor(node, signal);
    this.#options.onRequest?.(WATCH_PATH);
    yield* grpcWatch(this.#grpc, node, create, token, signal, onData);
  }

  /** The JSON gateway's watch: one HTTP/1.1 connection per watch, as the gateway answers only once the request body ended. */
  async *#jsonWatch(node: string, create: WatchCreate, signal: AbortSignal, onData: () => void): AsyncGenerator<WatchResponse> {
    const body = { create_request: { ...create.range, start_revision: create.startRevision, progress_notify: true } };
    const response = await this.#sendTo(node, WATCH_PATH, body, signal, true);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for await (const chunk of response.body) {
      onData();
      pending += decoder.write(chunk as Buffer);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) yield watchResponseOfJson(node, JSON.parse(line) as JsonWatchLine);
    }
  }

  #watchdog(node: string, range: KeyRange, onStall: () => void): StreamWatchdog {
    const { watchIdleTimeoutMs, watchProbeIntervalMs } = this.#timing;
    return new StreamWatchdog({
      idleTimeoutMs: watchIdleTimeoutMs,
      probeIntervalMs: watchProbeIntervalMs,
      // The probe goes to the watch's own node: another node answering proves nothing about this watch.
      probe: () => this.#probeNode(node, range.key),
      onStall,
    });
  }

  /**
   * Proves `node` still answers with a count-only range. Every watch on a node shares its HTTP/2
   * connection, so one answer speaks for all of them: it is reused for half the probe interval, and
   * watches that probe at once wait for the same request (500 quiet watches: about two ranges per
   * interval, not 500). The request is bounded by the request timeout, never by one watch.
   */
  #probeNode(node: string, key: string): Promise<void> {
    const probe = this.#probes.get(node) ?? { answeredAt: 0 };
    this.#probes.set(node, probe);
    if (Date.now() - probe.answeredAt < this.#timing.watchProbeIntervalMs / 2) return Promise.resolve();
    probe.inFlight ??= this.#bounded(node, RANGE_PATH, new AbortController().signal, (deadline) =>
      this.#rangeOn(node, { key }, { countOnly: true, serializable: true }, deadline.signal),
    )
      .then(() => void (probe.answeredAt = Date.now()))
      .finally(() => (probe.inFlight = undefined));
    return probe.inFlight;
  }

  /** One unary call to one node, its answer read in full. */
  async #callNode<T>(node: string, path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const response = await this.#sendTo(node, path, body, signal, false);
    return (await response.body.json()) as T;
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
      if (failure.code === GRPC_UNAUTHENTICATED && this.#mayAuthenticateAgain(node, attempt)) {
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

  async #post(node: string, path: string, body: unknown, signal: AbortSignal, isStream: boolean, token?: string) {
    this.#options.onRequest?.(path);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = token;
    const { agent, request } = await (this.#http ??= import('../http-client.js').then(({ Agent, request }) => ({
      // Not capped: on a node without gRPC, every watch holds a connection for as long as it runs.
      agent: new Agent({ connect: tlsConnectOptions(this.#options.tls) }),
      request,
    })));
    return request(`${node}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      dispatcher: agent,
      signal,
      headersTimeout: this.#timing.requestTimeoutMs,
      // A watch may stay silent for hours; only unary calls get a body timeout.
      bodyTimeout: isStream ? 0 : this.#timing.requestTimeoutMs,
    });
  }
}

/** The first answer of a watch, read before the watch counts as open. */
async function firstAnswer(answers: AsyncGenerator<WatchResponse>): Promise<OpenedWatch> {
  const first = await answers.next();
  return { first: first.done ? undefined : first.value, rest: answers };
}

/**
 * Why etcd refused a watch's token, if it did: it cancels the watch with "rpc error: code =
 * Unauthenticated desc = etcdserver: invalid auth token" rather than failing the call.
 */
function tokenRefusal(answer: WatchResponse | undefined): string | undefined {
  return answer?.canceled && answer.cancelReason.includes('code = Unauthenticated') ? answer.cancelReason : undefined;
}

function unlessCanceled(node: string, answer: WatchResponse): WatchResponse {
  if (answer.canceled && answer.compactRevision === '0') {
    throw new CtmplError('BACKEND', `etcd ${node}: ${WATCH_PATH}: canceled: ${answer.cancelReason || 'no reason given'}`);
  }
  return answer;
}

function watchResponseOfJson(node: string, line: JsonWatchLine): WatchResponse {
  if (line.error) throw new CtmplError('BACKEND', `etcd ${node}: ${WATCH_PATH}: ${line.error.message ?? 'error'}`);
  const result = line.result ?? {};
  return {
    canceled: result.canceled ?? false,
    cancelReason: result.cancel_reason ?? '',
    compactRevision: result.compact_revision ?? '0',
    events: (result.events ?? []).map(
      (event): WatchEvent => ({ type: event.type ?? 'PUT', key: decode(event.kv.key), value: decode(event.kv.value ?? ''), modRevision: event.kv.mod_revision ?? '0' }),
    ),
  };
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
