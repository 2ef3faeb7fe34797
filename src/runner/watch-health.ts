import type { Logger } from '../log.js';
import { redactCredentials } from '../redact.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { Reminder } from './reminder.js';
import { isoTime, seconds, type BackendStatus } from './status.js';

/** How one watched dependency's backend answers. */
export interface WatchRecord {
  /** The store serving it, e.g. `etcd http://127.0.0.1:2379`. */
  readonly address: string;
  /** When its data last changed. */
  dataAt?: number;
  failingSince?: number;
  /** Failed attempts of the current outage. */
  attempts: number;
  lastError?: string;
}

export interface WatchHealthOptions {
  /** The store serving a dependency (Backend.addressOf). */
  readonly addressOf: (dep: Dependency) => string;
  /** A backend failing this long is warned about, again at growing intervals. */
  readonly warnAfterMs: number;
  readonly logger: Logger;
}

/**
 * The health of every watch, grouped by the backend serving it: when its data last came, since
 * when it fails and how often it was retried. A backend whose watches have failed for
 * `warnAfterMs` is named in a warning, repeated while the outage lasts, and its recovery logged.
 */
export class WatchHealth {
  readonly #options: WatchHealthOptions;
  readonly #watches = new Map<string, WatchRecord>();
  readonly #reminders = new Map<string, Reminder>();

  constructor(options: WatchHealthOptions) {
    this.#options = options;
  }

  /** The record of the watch of `key`, if it was heard of. */
  get(key: string): WatchRecord | undefined {
    return this.#watches.get(key);
  }

  /** The store serving `dep`. */
  addressOf(key: string, dep: Dependency): string {
    return this.#watches.get(key)?.address ?? this.#options.addressOf(dep);
  }

  data(dep: Dependency): void {
    this.#recordOf(dep).dataAt = Date.now();
  }

  /** A watch failed (its attempt-th attempt of this outage), or (`failure` absent) its backend answers again. */
  health(dep: Dependency, failure?: { error: string; attempt: number }): void {
    const watch = this.#recordOf(dep);
    if (failure) {
      watch.failingSince ??= Date.now();
      watch.attempts = failure.attempt;
      watch.lastError = failure.error;
    } else {
      watch.failingSince = undefined;
      watch.attempts = 0;
    }
    this.#follow(watch.address);
  }

  /** The daemon no longer watches `dep`: it no longer counts for its backend. */
  dropped(dep: Dependency): void {
    const key = dependencyKey(dep);
    const watch = this.#watches.get(key);
    if (!watch) return;
    this.#watches.delete(key);
    this.#follow(watch.address);
  }

  stop(): void {
    for (const reminder of this.#reminders.values()) reminder.stop();
  }

  /** Each backend serving one of `used` (and `primary`, always), with its state. */
  backends(used: ReadonlyMap<string, Dependency>, primary: string): BackendStatus[] {
    const byAddress = new Map<string, WatchRecord[]>([[primary, []]]);
    for (const [key, dep] of used) {
      const watch = this.#watches.get(key) ?? { address: this.#options.addressOf(dep), attempts: 0 };
      byAddress.set(watch.address, [...(byAddress.get(watch.address) ?? []), watch]);
    }
    return [...byAddress].map(([address, watches]) => {
      const failing = watches.filter((watch) => watch.failingSince !== undefined);
      const state = failing.length > 0 ? 'failing' : watches.some((watch) => watch.dataAt !== undefined) ? 'ok' : 'connecting';
      const lastError = failing.at(-1)?.lastError;
      return {
        address: redactCredentials(address),
        state,
        watches: watches.length,
        retries: failing.reduce((sum, watch) => sum + watch.attempts, 0),
        ...(failing.length > 0 ? { failingSince: isoTime(Math.min(...failing.map((watch) => watch.failingSince!))) } : {}),
        ...(lastError !== undefined ? { lastError: redactCredentials(lastError) } : {}),
      };
    });
  }

  #recordOf(dep: Dependency): WatchRecord {
    const key = dependencyKey(dep);
    let watch = this.#watches.get(key);
    if (!watch) this.#watches.set(key, (watch = { address: this.#options.addressOf(dep), attempts: 0 }));
    return watch;
  }

  #failingAt(address: string): [string, WatchRecord][] {
    return [...this.#watches].filter(([, watch]) => watch.address === address && watch.failingSince !== undefined);
  }

  /** Starts or stops the warnings about a backend whose watches fail. */
  #follow(address: string): void {
    const failing = this.#failingAt(address);
    let reminder = this.#reminders.get(address);
    if (failing.length === 0) {
      const warnings = reminder?.stop() ?? 0;
      if (warnings > 0) this.#options.logger.info('watcher', `${address}: answers again`);
      return;
    }
    if (!reminder) this.#reminders.set(address, (reminder = new Reminder(this.#options.warnAfterMs, (elapsed) => this.#warn(address, elapsed))));
    reminder.start(Math.min(...failing.map(([, watch]) => watch.failingSince!)));
  }

  #warn(address: string, elapsedMs: number): void {
    const failing = this.#failingAt(address);
    const attempts = failing.reduce((sum, [, watch]) => sum + watch.attempts, 0);
    const lastError = failing.at(-1)?.[1].lastError ?? 'no answer';
    this.#options.logger.warn('watcher', `${address}: failing for ${seconds(elapsedMs)} (${attempts} failed attempts, watching ${failing.map(([key]) => key).join(', ')}): ${lastError}`);
  }
}
