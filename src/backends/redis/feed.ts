import { ErrorReply } from 'redis';
import { CtmplError, messageOf } from '../../errors.js';
import { withTimeout } from '../deadline.js';
import { sleep } from '../../sleep.js';
import { backendError, closeClient, isAuthError, timeoutError, type RedisClient, type RedisNode } from './connection.js';
import { Notifier } from './notifier.js';
import { SharedSubscriber, type FeedTargets, type FeedUser, type SubscriberOptions } from './subscriber.js';
import type { LogFunction } from '../../types/log.js';

export type { FeedTargets } from './subscriber.js';

export type FeedKind = 'keyspace' | 'tracking' | 'poll';

/**
 * Tells when a dependency's keys may have changed. `next` resolves at the first notice since the
 * last call (notices in between are coalesced) and rejects once the connection is lost.
 */
export interface ChangeFeed {
  readonly kind: FeedKind;
  next(signal: AbortSignal): Promise<void>;
  close(): void;
}

export interface FeedHubOptions extends SubscriberOptions {
  readonly pollIntervalMs: number;
  readonly log: LogFunction;
}

/** The command connection of the backend, used for CONFIG. */
export interface FeedContext {
  readonly node: RedisNode;
  readonly client: RedisClient;
}

/** Where notices come from: the shared subscriber, or nothing (each watch polls). */
type Source = SharedSubscriber | { readonly kind: 'poll'; readonly node: RedisNode; readonly failure: undefined };

/**
 * The change feeds of one backend. Every watch shares one source, opened with the first watch
 * and closed with the last: keyspace notifications (enabling them with CONFIG SET, merged with
 * the current flags), else CLIENT TRACKING in broadcast mode, else polling.
 */
export class FeedHub {
  readonly #options: FeedHubOptions;
  #current: { readonly opening: Promise<Source>; source?: Source } | undefined;
  readonly #refs = new Map<Source, number>();

  constructor(options: FeedHubOptions) {
    this.#options = options;
  }

  /** Opens a feed for `targets` on the shared source. */
  async open(context: FeedContext, targets: FeedTargets): Promise<ChangeFeed> {
    const source = await this.#acquire(context);
    const user: FeedUser = { targets, notifier: new Notifier() };
    if (source.kind === 'poll') {
      const intervalMs = this.#options.pollIntervalMs;
      return { kind: 'poll', next: (signal) => sleep(intervalMs, signal), close: () => this.#release(source) };
    }
    try {
      await source.add(user);
    } catch (error) {
      this.#release(source);
      throw error;
    }
    const close = () => {
      source.remove(user);
      this.#release(source);
    };
    return { kind: source.kind, next: (signal) => user.notifier.wait(signal), close };
  }

  /** Closes the shared source, whoever still uses it. */
  close(): void {
    const opening = this.#current?.opening;
    opening?.then((source) => source.kind !== 'poll' && source.close(), () => {});
    for (const source of this.#refs.keys()) if (source.kind !== 'poll') source.close();
    this.#refs.clear();
    this.#current = undefined;
  }

  /** The current source, opened (again) when there is none, it failed, or the command connection moved to another node. */
  async #acquire(context: FeedContext): Promise<Source> {
    for (;;) {
      const current = (this.#current ??= { opening: this.#detect(context) });
      let source: Source;
      try {
        source = await current.opening;
      } catch (error) {
        if (this.#current === current) this.#current = undefined;
        throw error;
      }
      if (this.#current !== current) continue;
      current.source = source;
      if (source.failure || source.node.address !== context.node.address) {
        this.#current = undefined;
        if (!this.#refs.has(source) && source.kind !== 'poll') source.close();
        continue;
      }
      this.#refs.set(source, (this.#refs.get(source) ?? 0) + 1);
      return source;
    }
  }

  #release(source: Source): void {
    const refs = (this.#refs.get(source) ?? 1) - 1;
    if (refs > 0) return void this.#refs.set(source, refs);
    this.#refs.delete(source);
    if (source.kind !== 'poll') source.close();
    if (this.#current?.source === source) this.#current = undefined;
  }

  async #detect(context: FeedContext): Promise<Source> {
    const { node } = context;
    const subject = `redis ${node.address}`;
    try {
      await this.#enableKeyspaceEvents(context);
      return await SharedSubscriber.open('keyspace', node, this.#options);
    } catch (error) {
      if (!isRefusal(error)) throw backendError(node, error);
      this.#options.log('info', `${subject}: keyspace notifications unavailable (${messageOf(error)}); trying client tracking`);
    }
    try {
      return await SharedSubscriber.open('tracking', node, this.#options);
    } catch (error) {
      if (!isRefusal(error)) throw backendError(node, error);
      this.#options.log('warn', `${subject}: client tracking unavailable (${messageOf(error)}); polling every ${this.#options.pollIntervalMs} ms`);
    }
    return { kind: 'poll', node, failure: undefined };
  }

  /** Adds K (keyspace channel) and A (every event class) to notify-keyspace-events unless already there. */
  async #enableKeyspaceEvents({ node, client }: FeedContext): Promise<void> {
    const ms = this.#options.timeoutMs;
    // A command that timed out leaves the connection out of step: drop it, the next read reconnects.
    const bounds = { ms, error: () => timeoutError(node, 'CONFIG', ms), onTimeout: () => closeClient(client) };
    await withTimeout(async () => {
      const current = (await client.configGet('notify-keyspace-events'))['notify-keyspace-events'] ?? '';
      const flags = String(current);
      const hasEvents = flags.includes('A') || ['g', '$', 'h', 'x'].every((flag) => flags.includes(flag));
      if (flags.includes('K') && hasEvents) return;
      await client.configSet('notify-keyspace-events', [...new Set(`${flags}KA`)].join(''));
    }, bounds);
  }
}

/** True when the server answered with an error (a disabled or unknown command), not when the connection failed. */
function isRefusal(error: unknown): boolean {
  const reply = error instanceof CtmplError ? error.cause : error;
  return reply instanceof ErrorReply && !isAuthError(reply);
}
