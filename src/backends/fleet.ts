import { sleep } from '../sleep.js';
import type { LogFunction } from '../types/log.js';

/**
 * The store side of fleet mode (-dedup): per template name, an election among the instances of a
 * fleet and one published value. Protocol code only; what the value holds is the runner's business
 * (src/runner/dedup/). Consul and etcd implement it (src/backends/consul/fleet.ts, etcd/fleet.ts).
 */
export interface SeatEvents {
  /** This instance now leads the template (true) or follows it again (false). */
  onRole(isLeader: boolean): void;
  /** As follower: the published value, each time a newer one is seen, with the store's version of it (Consul ModifyIndex, etcd mod revision). */
  onPayload(payload: Uint8Array, version: string): void;
}

export interface Seat {
  /** The store's key that holds the published value, for the operator. */
  readonly dataKey: string;
  /**
   * As leader: writes the value, guarded by the leadership, so that an instance that lost it
   * (its session or lease lapsed) cannot overwrite its successor's. Resolves false when this
   * instance no longer leads: it then follows again (onRole(false)). Rejects on a store failure.
   */
  publish(payload: Uint8Array): Promise<boolean>;
}

export interface FleetStore {
  /** `consul URL` or `etcd URL`, for log lines. */
  readonly description: string;
  /** The largest value the store accepts in one write. */
  readonly maxPayloadBytes: number;
  /** Takes part in the election of `name` until `signal` aborts. */
  join(name: string, events: SeatEvents, signal: AbortSignal): Seat;
  /** Gives up every leadership at once (others take over without waiting for a TTL) and closes connections. */
  close(): Promise<void>;
}

/**
 * After the `attempt`-th store failure in a row: logs it (an error the first time, then at debug
 * level) and waits before the retry, unless `signal` aborts.
 */
export async function retryAfterStoreFailure(log: LogFunction, attempt: number, failure: string, signal: AbortSignal): Promise<void> {
  log(attempt === 1 ? 'error' : 'debug', `${failure} (retrying; keeping the last good data)`);
  await sleep(fleetRetryDelay(attempt), signal);
}

/** How long to wait before retrying after a store failure: a little, then up to 5 s. */
export function fleetRetryDelay(attempt: number): number {
  const ceiling = Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 10));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
