import { ErrorReply } from 'redis';
import { CtmplError, messageOf } from '../../errors.js';
import { sleep } from '../retry.js';
import { backendError, closeClient, connectNode, isAuthError, type LogLevel, type RedisClient, type RedisNode } from './connection.js';
import { escapeGlob, minimalPrefixes } from './keys.js';

/** What a dependency's change feed listens to: exact keys and key prefixes. */
export interface FeedTargets {
  readonly exactKeys: readonly string[];
  readonly prefixes: readonly string[];
}

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

export interface FeedContext {
  readonly node: RedisNode;
  readonly password: string | undefined;
  /** The command connection, used for CONFIG. */
  readonly client: RedisClient;
  readonly pollIntervalMs: number;
  readonly log: (level: LogLevel, message: string) => void;
}

/**
 * Opens the best feed the server allows: keyspace notifications (enabling them with CONFIG SET,
 * merged with the current flags), else CLIENT TRACKING in broadcast mode, else polling.
 */
export async function openChangeFeed(context: FeedContext, targets: FeedTargets): Promise<ChangeFeed> {
  const subject = `redis ${context.node.address}`;
  try {
    await enableKeyspaceEvents(context.client);
    return await openKeyspaceFeed(context, targets);
  } catch (error) {
    if (!isRefusal(error)) throw backendError(context.node, error);
    context.log('info', `${subject}: keyspace notifications unavailable (${messageOf(error)}); trying client tracking`);
  }
  try {
    return await openTrackingFeed(context, targets);
  } catch (error) {
    if (!isRefusal(error)) throw backendError(context.node, error);
    context.log('warn', `${subject}: client tracking unavailable (${messageOf(error)}); polling every ${context.pollIntervalMs} ms`);
  }
  return pollingFeed(context.pollIntervalMs);
}

/** True when the server answered with an error (a disabled or unknown command), not when the connection failed. */
function isRefusal(error: unknown): boolean {
  const reply = error instanceof CtmplError ? error.cause : error;
  return reply instanceof ErrorReply && !isAuthError(reply);
}

/** Adds K (keyspace channel) and A (every event class) to notify-keyspace-events unless already there. */
async function enableKeyspaceEvents(client: RedisClient): Promise<void> {
  const current = (await client.configGet('notify-keyspace-events'))['notify-keyspace-events'] ?? '';
  const flags = String(current);
  const hasEvents = flags.includes('A') || ['g', '$', 'h', 'x'].every((flag) => flags.includes(flag));
  if (flags.includes('K') && hasEvents) return;
  await client.configSet('notify-keyspace-events', [...new Set(`${flags}KA`)].join(''));
}

async function openKeyspaceFeed(context: FeedContext, targets: FeedTargets): Promise<ChangeFeed> {
  const signal = new Notifier();
  const subscriber = await connectNode(context.node, context.password);
  watchConnection(subscriber, signal, context.node);
  const channel = `__keyspace@${context.node.db}__:`;
  const patterns = [
    ...targets.exactKeys.map((key) => channel + escapeGlob(key)),
    ...targets.prefixes.map((prefix) => `${channel}${escapeGlob(prefix)}*`),
  ];
  try {
    await subscriber.pSubscribe(patterns, () => signal.notify());
  } catch (error) {
    closeClient(subscriber);
    throw backendError(context.node, error);
  }
  return { kind: 'keyspace', next: (abort) => signal.wait(abort), close: () => closeClient(subscriber) };
}

async function openTrackingFeed(context: FeedContext, targets: FeedTargets): Promise<ChangeFeed> {
  const signal = new Notifier();
  const tracker = await connectNode(context.node, context.password, { RESP: 3 });
  watchConnection(tracker, signal, context.node);
  tracker.on('invalidate', () => signal.notify());
  // An empty prefix covers every key, which BCAST without any PREFIX means.
  const prefixes = minimalPrefixes([...targets.exactKeys, ...targets.prefixes]).filter((prefix) => prefix !== '');
  try {
    // The client turned plain tracking on while connecting; broadcast mode needs it off first.
    await tracker.sendCommand(['CLIENT', 'TRACKING', 'OFF']);
    await tracker.sendCommand(['CLIENT', 'TRACKING', 'ON', 'BCAST', ...prefixes.flatMap((p) => ['PREFIX', p])]);
  } catch (error) {
    closeClient(tracker);
    throw error;
  }
  return { kind: 'tracking', next: (abort) => signal.wait(abort), close: () => closeClient(tracker) };
}

function pollingFeed(intervalMs: number): ChangeFeed {
  return { kind: 'poll', next: (abort) => sleep(intervalMs, abort), close: () => {} };
}

/** A lost feed connection must fail the watch, or it would wait forever for notices that never come. */
function watchConnection(client: RedisClient, notifier: Notifier, node: RedisNode): void {
  client.on('error', (error: unknown) => notifier.fail(backendError(node, error)));
  client.on('end', () => notifier.fail(backendError(node, new Error('connection closed'))));
}

/** A coalescing flag: notices set it, `wait` takes it, a failure is reported to every later wait. */
class Notifier {
  #isDirty = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  notify(): void {
    this.#isDirty = true;
    this.#wake?.();
  }

  fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  async wait(signal: AbortSignal): Promise<void> {
    while (!this.#isDirty && !this.#failure && !signal.aborted) {
      let onAbort = () => {};
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
      signal.removeEventListener('abort', onAbort);
      this.#wake = undefined;
    }
    if (this.#failure) throw this.#failure;
    this.#isDirty = false;
  }
}
