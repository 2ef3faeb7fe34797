import { CtmplError } from '../../errors.js';
import { withTimeout } from '../deadline.js';
import { backendError, closeClient, connectNode, timeoutError, type RedisClient, type RedisNode } from './connection.js';
import { escapeGlob, minimalPrefixes } from './keys.js';
import type { Notifier } from './notifier.js';

/** What a dependency's change feed listens to: exact keys and key prefixes. */
export interface FeedTargets {
  readonly exactKeys: readonly string[];
  readonly prefixes: readonly string[];
}

/** One watch on a shared feed: what it listens to and how it is told. */
export interface FeedUser {
  readonly targets: FeedTargets;
  readonly notifier: Notifier;
}

export interface SubscriberOptions {
  readonly password: string | undefined;
  readonly timeoutMs: number;
  readonly pingIntervalMs: number;
}

type Listener = () => void;

/**
 * The one change feed connection of a backend, shared by every watch: keyspace pattern
 * subscriptions (one set per watch, multiplexed on one connection) or a broadcast tracking
 * client. It PINGs the server every `pingIntervalMs`: a frozen server fails every watch with an
 * error naming the address, instead of leaving them waiting for notices forever.
 */
export class SharedSubscriber {
  readonly kind: 'keyspace' | 'tracking';
  readonly node: RedisNode;
  readonly #client: RedisClient;
  readonly #options: SubscriberOptions;
  readonly #listeners = new Map<FeedUser, { patterns: string[]; listener: Listener }>();
  readonly #users = new Set<FeedUser>();
  /** Prefixes CLIENT TRACKING broadcasts now ('' = every key); null until tracking is on. */
  #tracked: string[] | null = null;
  /** CLIENT TRACKING changes one at a time: OFF then ON must not interleave. */
  #trackingChange: Promise<void> = Promise.resolve();
  #failure: CtmplError | undefined;
  #pingTimer: NodeJS.Timeout | undefined;

  private constructor(kind: 'keyspace' | 'tracking', node: RedisNode, client: RedisClient, options: SubscriberOptions) {
    this.kind = kind;
    this.node = node;
    this.#client = client;
    this.#options = options;
    client.on('error', (error: unknown) => this.#fail(backendError(node, error)));
    client.on('end', () => this.#fail(backendError(node, new Error('change feed connection closed'))));
    if (kind === 'tracking') client.on('invalidate', (key: unknown) => this.#invalidate(key));
    this.#schedulePing();
  }

  /** Opens the connection; for tracking, checks that CLIENT TRACKING is allowed (an ErrorReply if not). */
  static async open(kind: 'keyspace' | 'tracking', node: RedisNode, options: SubscriberOptions): Promise<SharedSubscriber> {
    const client = await connectNode(node, { password: options.password, timeoutMs: options.timeoutMs, ...(kind === 'tracking' ? { RESP: 3 as const } : {}) });
    try {
      // The client turned plain tracking on while connecting; broadcast mode needs it off first.
      if (kind === 'tracking') await bounded(node, options.timeoutMs, 'CLIENT TRACKING', () => client.sendCommand(['CLIENT', 'TRACKING', 'OFF']));
    } catch (error) {
      closeClient(client);
      throw error;
    }
    return new SharedSubscriber(kind, node, client, options);
  }

  /** Set once the connection failed; a failed subscriber is replaced, never reused. */
  get failure(): CtmplError | undefined {
    return this.#failure;
  }

  /** Starts telling `user` about changes to its targets. */
  async add(user: FeedUser): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#users.add(user);
    try {
      await (this.kind === 'keyspace' ? this.#subscribe(user) : this.#track(user));
    } catch (error) {
      this.remove(user);
      throw backendError(this.node, error);
    }
  }

  remove(user: FeedUser): void {
    this.#users.delete(user);
    const subscription = this.#listeners.get(user);
    this.#listeners.delete(user);
    // A broken connection has no subscriptions left to drop; the feed is being torn down anyway.
    if (subscription && !this.#failure) this.#client.pUnsubscribe(subscription.patterns, subscription.listener).catch(() => {});
  }

  close(): void {
    this.#fail(new CtmplError('BACKEND', `redis ${this.node.address}: change feed closed`));
  }

  async #subscribe(user: FeedUser): Promise<void> {
    const channel = `__keyspace@${this.node.db}__:`;
    const patterns = [
      ...user.targets.exactKeys.map((key) => channel + escapeGlob(key)),
      ...user.targets.prefixes.map((prefix) => `${channel}${escapeGlob(prefix)}*`),
    ];
    const listener = () => user.notifier.notify();
    this.#listeners.set(user, { patterns, listener });
    await this.#bounded('PSUBSCRIBE', () => this.#client.pSubscribe(patterns, listener));
  }

  /** Widens the broadcast prefixes when `user` needs keys they do not cover yet; they never shrink. */
  #track(user: FeedUser): Promise<void> {
    const change = this.#trackingChange.then(async () => {
      const wanted = [...user.targets.exactKeys, ...user.targets.prefixes];
      const tracked = this.#tracked;
      if (tracked && wanted.every((key) => tracked.some((prefix) => key.startsWith(prefix)))) return;
      // An empty prefix covers every key, which BCAST without any PREFIX means.
      const next = minimalPrefixes([...(tracked ?? []), ...wanted]);
      const args = next.filter((prefix) => prefix !== '').flatMap((prefix) => ['PREFIX', prefix]);
      await this.#bounded('CLIENT TRACKING', async () => {
        if (tracked) await this.#client.sendCommand(['CLIENT', 'TRACKING', 'OFF']);
        await this.#client.sendCommand(['CLIENT', 'TRACKING', 'ON', 'BCAST', ...args]);
      });
      this.#tracked = next;
      // A change between OFF and ON sent no invalidation: have every other watch re-read once.
      for (const other of this.#users) if (other !== user) other.notifier.notify();
    });
    this.#trackingChange = change.catch(() => {});
    return change;
  }

  #invalidate(key: unknown): void {
    // A null key means the server flushed its tracking table: anything may have changed.
    const name = key === null ? null : String(key);
    for (const user of this.#users) if (name === null || isTarget(user.targets, name)) user.notifier.notify();
  }

  #schedulePing(): void {
    this.#pingTimer = setTimeout(() => void this.#ping(), this.#options.pingIntervalMs);
    this.#pingTimer.unref();
  }

  async #ping(): Promise<void> {
    try {
      await this.#bounded('change feed PING', () => this.#client.ping());
      if (!this.#failure) this.#schedulePing();
    } catch (error) {
      this.#fail(backendError(this.node, error));
    }
  }

  /** Runs a command on the shared connection; one that times out leaves it unusable, so it fails every watch. */
  #bounded<T>(what: string, operation: () => Promise<T>): Promise<T> {
    const ms = this.#options.timeoutMs;
    const error = () => timeoutError(this.node, what, ms);
    return withTimeout(operation, { ms, error, onTimeout: () => this.#fail(error()) });
  }

  #fail(error: CtmplError): void {
    if (this.#failure) return;
    this.#failure = error;
    clearTimeout(this.#pingTimer);
    closeClient(this.#client);
    for (const user of this.#users) user.notifier.fail(error);
  }
}

/** True when a key is one a watch listens to. */
function isTarget(targets: FeedTargets, key: string): boolean {
  return targets.exactKeys.includes(key) || targets.prefixes.some((prefix) => key.startsWith(prefix));
}

function bounded<T>(node: RedisNode, ms: number, what: string, operation: () => Promise<T>): Promise<T> {
  return withTimeout(operation, { ms, error: () => timeoutError(node, what, ms) });
}
