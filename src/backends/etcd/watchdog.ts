export interface WatchdogOptions {
  /** The stream counts as stalled after this long without a byte from it or an answered probe. */
  readonly idleTimeoutMs: number;
  /** A quiet stream is probed this often. */
  readonly probeIntervalMs: number;
  /** A cheap request to the stream's node; resolves once the node answered. */
  readonly probe: () => Promise<void>;
  /** Called once, when the stream stalled. */
  readonly onStall: () => void;
}

/**
 * Notices a watch stream whose server went silent. A quiet watch is normal (nothing changed), so
 * silence alone proves nothing: the node is probed while the stream is quiet, and only when
 * neither the stream nor a probe showed life for `idleTimeoutMs` is it declared stalled.
 */
export class StreamWatchdog {
  readonly #options: WatchdogOptions;
  readonly #idleTimer: NodeJS.Timeout;
  readonly #probeTimer: NodeJS.Timeout;
  #lastSeen = Date.now();
  #isProbing = false;
  #isStopped = false;

  constructor(options: WatchdogOptions) {
    this.#options = options;
    this.#idleTimer = setTimeout(() => this.#stall(), options.idleTimeoutMs);
    this.#probeTimer = setInterval(() => void this.#probe(), options.probeIntervalMs);
  }

  /** The stream or a probe showed the node is alive. */
  alive(): void {
    this.#lastSeen = Date.now();
    this.#idleTimer.refresh();
  }

  stop(): void {
    this.#isStopped = true;
    clearTimeout(this.#idleTimer);
    clearInterval(this.#probeTimer);
  }

  async #probe(): Promise<void> {
    if (this.#isProbing || Date.now() - this.#lastSeen < this.#options.probeIntervalMs) return;
    this.#isProbing = true;
    try {
      await this.#options.probe();
      if (!this.#isStopped) this.alive();
    } catch {
      // A failed probe only withholds the proof of life; the idle timer decides.
    } finally {
      this.#isProbing = false;
    }
  }

  #stall(): void {
    if (this.#isStopped) return;
    this.stop();
    this.#options.onStall();
  }
}
