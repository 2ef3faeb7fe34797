/**
 * When a dependency may send its next blocking query: a token bucket of `burst` queries refilled
 * one per `refillMs`. An isolated change goes through at once (after a long block the bucket is
 * full); an index that keeps changing drains it and is then held to one query per `refillMs`,
 * plus up to 50% jitter so many dependencies do not re-query in step.
 */
export class RequeryBudget {
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(burst: number, refillMs: number, clock: { now?: () => number; random?: () => number } = {}) {
    this.#burst = burst;
    this.#refillMs = refillMs;
    this.#now = clock.now ?? Date.now;
    this.#random = clock.random ?? Math.random;
    this.#tokens = burst;
    this.#updatedAt = this.#now();
  }

  /** Takes the next query's token; returns how many milliseconds to wait before sending it. */
  take(): number {
    if (this.#refillMs <= 0) return 0;
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) / this.#refillMs);
    this.#updatedAt = now;
    const missing = 1 - this.#tokens;
    // Spent in advance when short: the wait below is exactly what refills it.
    this.#tokens -= 1;
    return missing <= 0 ? 0 : missing * this.#refillMs * (1 + this.#random() / 2);
  }
}
