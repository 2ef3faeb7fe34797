import type { Backend, Snapshot } from '../backends/backend.js';
import { CtmplError, isAbortError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { sleep } from '../sleep.js';
import { Alarm } from './alarm.js';
import type { RetryPolicy } from '../retry-policy.js';

export type WatchEvent =
  | { readonly kind: 'data'; readonly snapshot: Snapshot }
  | { readonly kind: 'error'; readonly error: CtmplError; readonly attempt: number }
  | { readonly kind: 'recovered' }
  | { readonly kind: 'gave-up'; readonly error: CtmplError; readonly attempt: number };

/** Whether a snapshot read is waiting for the backend's answer, and since when (ms since the epoch). */
export interface ReadState {
  pendingSince?: number | undefined;
}

/** How one loop reads: `follow` takes the change feed after each snapshot, `poll` re-reads every `intervalMs`. */
export type ReadLoop = { readonly kind: 'follow' } | { readonly kind: 'poll'; readonly intervalMs: number };

export interface WatcherOptions {
  readonly backend: Backend;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  /** Counted once per dependency per outage. */
  readonly stats?: { backendErrors: number };
  /** Told of each failed attempt of `follow`/`poll` and of the recovery that ends an outage (the daemon's status). */
  readonly onHealth?: (dep: Dependency, health: DependencyHealth) => void;
}

/** A watch's health as the status shows it: its backend answers, or it fails (attempts so far in this outage). */
export type DependencyHealth = { readonly kind: 'ok' } | { readonly kind: 'failing'; readonly error: CtmplError; readonly attempt: number };

/**
 * The one owner of "data for one dependency", in every mode: `follow` (watch mode), `poll`
 * (interval mode) and `fetch` (once mode, under the lookup deadline) share one retry policy,
 * one set of log lines ("retrying", "reachable again", "giving up") and one error counter.
 * When one dependency's backend answers again after failing, every dependency still backing
 * off retries at once: they share the server, so its recovery ends the outage for all of them.
 * (Only a recovery rings: one dependency failing alone is not retried on every other's change.)
 */
export class Watcher {
  readonly #options: WatcherOptions;
  readonly #recovered = new Alarm();

  constructor(options: WatcherOptions) {
    this.#options = options;
  }

  /**
   * Watch mode: calls `onData` with the first snapshot and every change until `signal` aborts
   * (then resolves). Outages are logged and retried; rejects only when the policy gives up.
   */
  follow(dep: Dependency, signal: AbortSignal, onData: (snapshot: Snapshot) => void): Promise<void> {
    return this.#consume(dep, this.events(dep, signal, { kind: 'follow' }), onData);
  }

  /** Interval mode: like `follow`, but re-reads a snapshot every `intervalMs` instead of following changes. */
  poll(dep: Dependency, intervalMs: number, signal: AbortSignal, onData: (snapshot: Snapshot) => void): Promise<void> {
    return this.#consume(dep, this.events(dep, signal, { kind: 'poll', intervalMs }), onData);
  }

  /**
   * Once mode: the first snapshot of `dep`, or, given the `cursor` of one already read, the next
   * different one. Retries until `deadline` aborts, then rejects with the last backend error
   * (naming the address) if there was one, else with the deadline's reason.
   */
  async fetch(dep: Dependency, deadline: AbortSignal, cursor?: string): Promise<Snapshot> {
    const { backend } = this.#options;
    if (!backend.supports(dep)) throw unsupported(dep, backend);
    const read: ReadState = {};
    let lastError: CtmplError | undefined;
    for await (const event of this.events(dep, deadline, { kind: 'follow' }, read)) {
      if (event.kind === 'data' && (cursor === undefined || event.snapshot.cursor !== cursor)) return event.snapshot;
      if (event.kind === 'error') lastError = event.error;
      if (event.kind === 'gave-up') throw givingUp(dep, event);
    }
    // A server that accepts connections but never answers is named, not left as "no data".
    if (read.pendingSince !== undefined) {
      const seconds = Math.round((Date.now() - read.pendingSince) / 100) / 10;
      throw new CtmplError('BACKEND', `${backend.description}: no answer in ${seconds}s (reading ${dependencyKey(dep)})`);
    }
    throw lastError ?? deadline.reason ?? new CtmplError('ABORTED', `${dependencyKey(dep)}: interrupted`);
  }

  /**
   * The events of one dependency: data, each failed attempt, recovery, and a final `gave-up`
   * when the policy stops. Errors never escape: after one, the loop backs off, re-reads a full
   * snapshot and resumes. Ends when `signal` aborts.
   */
  async *events(dep: Dependency, signal: AbortSignal, loop: ReadLoop = { kind: 'follow' }, read: ReadState = {}): AsyncGenerator<WatchEvent> {
    const { backend, retry } = this.#options;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        read.pendingSince = Date.now();
        const first = await backend.snapshot(dep, signal);
        read.pendingSince = undefined;
        if (attempt > 0) {
          attempt = 0;
          this.#recovered.ring();
          yield { kind: 'recovered' };
        }
        yield { kind: 'data', snapshot: first };
        if (loop.kind === 'poll') await sleep(loop.intervalMs, signal);
        else yield* this.#followChanges(dep, first.cursor, signal);
      } catch (error) {
        if (signal.aborted || isAbortError(error)) return;
        read.pendingSince = undefined;
        attempt += 1;
        const failure = asBackendError(error, backend);
        const delay = retry.delay(attempt);
        if (delay === null) {
          yield { kind: 'gave-up', error: failure, attempt };
          return;
        }
        yield { kind: 'error', error: failure, attempt };
        await this.#recovered.sleep(delay, signal);
      }
    }
  }

  async *#followChanges(dep: Dependency, cursor: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
    for await (const snapshot of this.#options.backend.changes(dep, cursor, signal)) yield { kind: 'data', snapshot };
  }

  async #consume(dep: Dependency, events: AsyncIterable<WatchEvent>, onData: (snapshot: Snapshot) => void): Promise<void> {
    const { backend, logger, stats, onHealth } = this.#options;
    const key = dependencyKey(dep);
    if (!backend.supports(dep)) {
      logger.error('watcher', unsupported(dep, backend).message);
      return;
    }
    for await (const event of events) {
      if (event.kind === 'data') onData(event.snapshot);
      else if (event.kind === 'recovered') {
        onHealth?.(dep, { kind: 'ok' });
        logger.info('watcher', `${key}: backend reachable again`);
      } else if (event.kind === 'gave-up') throw givingUp(dep, event);
      else {
        onHealth?.(dep, { kind: 'failing', error: event.error, attempt: event.attempt });
        if (event.attempt === 1) {
          if (stats) stats.backendErrors++;
          logger.error('watcher', `${key}: ${event.error.message} (retrying; keeping the last good data)`);
        } else {
          logger.debug('watcher', `${key}: attempt ${event.attempt} failed: ${event.error.message}`);
        }
      }
    }
  }
}

function unsupported(dep: Dependency, backend: Backend): CtmplError {
  return new CtmplError('TEMPLATE_EXEC', `${dependencyKey(dep)} is not supported by the ${backend.description} backend`);
}

function asBackendError(error: unknown, backend: Backend): CtmplError {
  return error instanceof CtmplError ? error : new CtmplError('BACKEND', `${backend.description}: ${messageOf(error)}`, { cause: error });
}

function givingUp(dep: Dependency, event: { error: CtmplError; attempt: number }): CtmplError {
  const message = `${dependencyKey(dep)}: giving up after -retry-max attempts (${event.attempt} failed): ${event.error.message}`;
  return new CtmplError(event.error.code, message, { cause: event.error });
}
