/** The longest pause between two reminders: a wait of hours is still named a few times an hour. */
const MAX_INTERVAL_MS = 15 * 60_000;
/** setTimeout fires at once for longer delays (a `-blocked-warning 30d`): ask again at most this late. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A warning repeated at growing intervals while a condition lasts: `remind` is called `firstMs`
 * after `start`, then each time the elapsed time has doubled (10 s, 20 s, 40 s, …), at most
 * every 15 minutes, until `stop`.
 */
export class Reminder {
  readonly #firstMs: number;
  readonly #remind: (elapsedMs: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #count = 0;

  constructor(firstMs: number, remind: (elapsedMs: number) => void) {
    this.#firstMs = firstMs;
    this.#remind = remind;
  }

  /** Starts counting from `since` (ms since the epoch), unless already running. */
  start(since: number): void {
    if (this.#timer) return;
    this.#startedAt = since;
    this.#count = 0;
    this.#schedule(Math.max(0, since + this.#firstMs - Date.now()));
  }

  /** Stops; returns how many reminders were given since `start`. */
  stop(): number {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const count = this.#count;
    this.#count = 0;
    return count;
  }

  #schedule(delayMs: number): void {
    if (delayMs > MAX_TIMER_MS) {
      this.#timer = setTimeout(() => this.#schedule(delayMs - MAX_TIMER_MS), MAX_TIMER_MS);
      this.#timer.unref();
      return;
    }
    this.#timer = setTimeout(() => {
      const elapsed = Date.now() - this.#startedAt;
      this.#count++;
      this.#remind(elapsed);
      this.#schedule(Math.min(elapsed, MAX_INTERVAL_MS));
    }, delayMs);
    // A reminder never keeps the process alive on its own.
    this.#timer.unref();
  }
}
