import type { Backend, Snapshot } from './backend.js';
import type { Dependency } from '../types/dependency.js';
import { CtmplError, isAbortError, messageOf } from '../errors.js';

/** When to try again: exponential backoff with full jitter and a cap, like consul-template's RetryFunc. */
export interface RetryPolicy {
  /** Delay before attempt `attempt` (1-based), or null to give up. */
  delay(attempt: number): number | null;
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Attempts before giving up; Infinity retries forever (the default). */
  readonly maxAttempts: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 250, maxMs: 60_000, maxAttempts: Infinity };

/** Returns a policy of exponential backoff with jitter in [delay/2, delay]. */
export function exponentialBackoff(options: BackoffOptions = defaultBackoff): RetryPolicy {
  return {
    delay(attempt) {
      if (attempt > options.maxAttempts) return null;
      const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt - 1, 30));
      return ceiling / 2 + Math.random() * (ceiling / 2);
    },
  };
}

export type WatchEvent =
  | { readonly kind: 'data'; readonly snapshot: Snapshot }
  | { readonly kind: 'error'; readonly error: CtmplError; readonly attempt: number }
  | { readonly kind: 'recovered' };

/**
 * Follows one dependency forever: the first snapshot, then every change. Errors never escape:
 * each failure is yielded once as an `error` event (the caller logs it and keeps the last good
 * data), then the loop backs off, re-reads a full snapshot and resumes the change feed. The
 * iteration ends when `signal` aborts, or with a final error event when the policy gives up.
 */
export async function* watchDependency(
  backend: Backend,
  dep: Dependency,
  signal: AbortSignal,
  policy: RetryPolicy = exponentialBackoff(),
): AsyncGenerator<WatchEvent> {
  let attempt = 0;
  while (!signal.aborted) {
    try {
      const first = await backend.snapshot(dep, signal);
      if (attempt > 0) yield { kind: 'recovered' };
      attempt = 0;
      yield { kind: 'data', snapshot: first };
      for await (const snapshot of backend.changes(dep, first.cursor, signal)) {
        yield { kind: 'data', snapshot };
      }
      if (signal.aborted) return;
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return;
      attempt += 1;
      const wrapped =
        error instanceof CtmplError ? error : new CtmplError('BACKEND', `${backend.description}: ${messageOf(error)}`, { cause: error });
      yield { kind: 'error', error: wrapped, attempt };
      const delay = policy.delay(attempt);
      if (delay === null) return;
      await sleep(delay, signal);
    }
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
