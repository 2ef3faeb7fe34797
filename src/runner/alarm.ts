/**
 * Sleeps that can be cut short all at once: the watcher's backoffs wait on one alarm, and the
 * first dependency whose backend answers again rings it, so the others retry now instead of
 * sleeping out a backoff grown during the outage.
 */
export class Alarm {
  readonly #sleepers = new Set<() => void>();

  /** Resolves after `ms`, when the alarm rings, or when `signal` aborts; never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      signal.addEventListener('abort', wake, { once: true });
      this.#sleepers.add(wake);
    });
  }

  /** Wakes every sleeper now. */
  ring(): void {
    for (const wake of [...this.#sleepers]) wake();
  }
}
