/** Counters of a run, for /metrics and for tests that count work per change. */
export interface RunStats {
  renders: number;
  writes: number;
  reloads: number;
  watches: number;
  /** Backend outages: one per dependency per outage, not one per failed attempt. */
  backendErrors: number;
}

/** Returns a fresh set of counters, all zero. */
export function createStats(): RunStats {
  return { renders: 0, writes: 0, reloads: 0, watches: 0, backendErrors: 0 };
}
