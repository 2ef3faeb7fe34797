import { CtmplError } from '../../errors.js';
import type { LogFunction } from '../../types/log.js';
import type { EtcdGateway } from './gateway.js';
import { lastRevision, type WatchEventJson } from './query.js';

/** A watched key or range, base64 as the gateway takes it. */
export interface WatchRange {
  readonly key: string;
  readonly range_end?: string;
}

/** What a watch delivers: a batch of events, or the end of the watch because its start was compacted. */
export type WatchMessage =
  | { readonly kind: 'events'; readonly events: readonly WatchEventJson[] }
  | { readonly kind: 'compacted'; readonly compactRevision: string };

interface WatchAnswer {
  readonly result?: {
    readonly watch_id?: string;
    readonly canceled?: boolean;
    readonly cancel_reason?: string;
    readonly compact_revision?: string;
    readonly events?: readonly WatchEventJson[];
  };
  readonly error?: { readonly message?: string };
}

interface Subscription {
  readonly id: number;
  readonly range: WatchRange;
  /** The revision the next stream starts this watch at: one past the last event delivered. */
  nextRevision: bigint;
  readonly queue: WatchMessage[];
  failure?: CtmplError;
  isDone: boolean;
  wake?: () => void;
}

/** How long new or dropped watches are gathered before the shared stream is reopened with them. */
const BATCH_MS = 25;

/**
 * Every watch of one etcd backend on ONE gateway stream, so descriptors do not grow one per
 * watched key. etcd multiplexes watches on a stream (one create_request per watch, answers
 * tagged with watch_id), but its JSON gateway only starts answering once the request body has
 * ended, so a watch cannot be added to a running stream: the set of watches changes by opening
 * a new stream with all of them, each resuming one past the last revision it delivered, and
 * then closing the old one. Nothing is lost or repeated. A stream that fails fails every watch
 * on it; each then retries as any failed watch does.
 */
export class WatchHub {
  readonly #gateway: EtcdGateway;
  readonly #log: LogFunction;
  readonly #subscriptions = new Map<number, Subscription>();
  #nextId = 1;
  #stream: AbortController | undefined;
  #reopenTimer: NodeJS.Timeout | undefined;

  constructor(gateway: EtcdGateway, log: LogFunction) {
    this.#gateway = gateway;
    this.#log = log;
  }

  /** Watches `range` from `fromRevision` + 1 until `signal` aborts; throws CtmplError('BACKEND') when the stream fails. */
  async *watch(range: WatchRange, fromRevision: string, signal: AbortSignal): AsyncGenerator<WatchMessage> {
    const subscription: Subscription = { id: this.#nextId++, range, nextRevision: BigInt(fromRevision) + 1n, queue: [], isDone: false };
    this.#subscriptions.set(subscription.id, subscription);
    this.#scheduleReopen();
    const wakeOnAbort = () => subscription.wake?.();
    signal.addEventListener('abort', wakeOnAbort, { once: true });
    try {
      while (!signal.aborted) {
        const message = subscription.queue.shift();
        if (message) {
          yield message;
          if (message.kind === 'compacted') return;
          continue;
        }
        if (subscription.failure) throw subscription.failure;
        await new Promise<void>((resolve) => (subscription.wake = resolve));
        subscription.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', wakeOnAbort);
      this.#drop(subscription);
    }
  }

  /** Closes the shared stream; watches still open fail. */
  close(): void {
    clearTimeout(this.#reopenTimer);
    this.#stream?.abort();
    this.#stream = undefined;
  }

  #drop(subscription: Subscription): void {
    subscription.isDone = true;
    if (!this.#subscriptions.delete(subscription.id)) return;
    // A dropped watch's answers are ignored; the stream sheds it at the next reopen, or closes with the last one.
    if (this.#subscriptions.size === 0) this.close();
  }

  #scheduleReopen(): void {
    this.#reopenTimer ??= setTimeout(() => {
      this.#reopenTimer = undefined;
      void this.#reopen();
    }, BATCH_MS);
  }

  async #reopen(): Promise<void> {
    const members = [...this.#subscriptions.values()].filter((subscription) => !subscription.failure);
    const previous = this.#stream;
    this.#stream = undefined;
    if (members.length === 0) return previous?.abort();
    const controller = new AbortController();
    this.#stream = controller;
    const creates = members.map((subscription) => ({
      create_request: { ...subscription.range, start_revision: subscription.nextRevision.toString(), watch_id: subscription.id, progress_notify: true },
    }));
    // progress_notify lets a server with a short --experimental-watch-progress-notify-interval prove
    // the stream alive on its own; the probe covers servers with the 10-minute default.
    const probe = { path: '/v3/kv/range', body: { key: members[0]!.range.key, count_only: true, serializable: true } };
    const ids = new Set(members.map((subscription) => subscription.id));
    this.#log('debug', `${this.#gateway.description}: one watch stream for ${members.length} watch(es)`);
    let failure: CtmplError;
    try {
      for await (const line of this.#gateway.stream('/v3/watch', creates, controller.signal, probe, () => previous?.abort())) {
        this.#route(line as WatchAnswer, ids);
      }
      failure = new CtmplError('BACKEND', `${this.#gateway.description}: watch stream ended`);
    } catch (error) {
      failure = error instanceof CtmplError ? error : new CtmplError('BACKEND', `${this.#gateway.description}: watch: ${String(error)}`, { cause: error });
    }
    previous?.abort();
    if (controller.signal.aborted) return;
    if (this.#stream === controller) this.#stream = undefined;
    for (const id of ids) this.#fail(id, failure);
  }

  /** Hands one answer to its watch; an answer for a watch dropped meanwhile is ignored. */
  #route(answer: WatchAnswer, ids: Set<number>): void {
    if (answer.error) throw new CtmplError('BACKEND', `${this.#gateway.description}: watch: ${answer.error.message ?? 'error'}`);
    const result = answer.result ?? {};
    const id = Number(result.watch_id ?? -1);
    const subscription = this.#subscriptions.get(id);
    if (!subscription || !ids.has(id)) return;
    if (result.compact_revision && result.compact_revision !== '0') {
      ids.delete(id);
      return this.#deliver(subscription, { kind: 'compacted', compactRevision: result.compact_revision });
    }
    if (result.canceled) {
      ids.delete(id);
      return this.#fail(id, new CtmplError('BACKEND', `${this.#gateway.description}: watch canceled: ${result.cancel_reason ?? 'no reason given'}`));
    }
    // While a reopened stream takes over, both deliver: events before nextRevision were delivered already.
    const events = (result.events ?? []).filter((event) => BigInt(event.kv.mod_revision ?? '0') >= subscription.nextRevision);
    if (events.length === 0) return;
    subscription.nextRevision = BigInt(lastRevision(events) ?? subscription.nextRevision - 1n) + 1n;
    this.#deliver(subscription, { kind: 'events', events });
  }

  #deliver(subscription: Subscription, message: WatchMessage): void {
    subscription.queue.push(message);
    subscription.wake?.();
  }

  #fail(id: number, failure: CtmplError): void {
    const subscription = this.#subscriptions.get(id);
    if (!subscription || subscription.isDone) return;
    subscription.failure = failure;
    // It leaves the hub now: its consumer retries with a fresh watch.
    this.#subscriptions.delete(id);
    subscription.wake?.();
  }
}
