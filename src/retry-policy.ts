/**
 * When to try a backend again, like consul-template's RetryFunc. One policy is built from
 * `-retry-max` and used by every mode; tests inject a zero-delay one.
 */
export interface RetryPolicy {
  /** Delay in ms before retrying after failed attempt `attempt` (1-based), or null to give up. */
  delay(attempt: number): number | null;
}

export interface BackoffOptions {
  readonly baseMs: number;
  /** The ceiling of any one delay: after a long outage the server is tried again within this. */
  readonly maxMs: number;
  /** Failed attempts in a row after which to give up; Infinity retries forever (the default). */
  readonly maxAttempts: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 250, maxMs: 5_000, maxAttempts: Infinity };

/** Returns exponential backoff with jitter in [delay/2, delay], capped at `maxMs`. */
export function exponentialBackoff(options: BackoffOptions = defaultBackoff): RetryPolicy {
  return {
    delay(attempt) {
      if (attempt >= options.maxAttempts) return null;
      const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt - 1, 30));
      return ceiling / 2 + Math.random() * (ceiling / 2);
    },
  };
}

/** The policy of a run: the default backoff, giving up after `retryMax` failed attempts in a row. */
export function retryPolicyFor(retryMax: number): RetryPolicy {
  return exponentialBackoff({ ...defaultBackoff, maxAttempts: retryMax });
}
