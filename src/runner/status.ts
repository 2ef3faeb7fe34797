/**
 * What `/status` answers and the status page shows: the daemon's state per template and per
 * backend. Names and times only, never a value read from a store (no secret can leak through
 * it). Times are ISO 8601 strings. A new concern (a fleet role, say) is one more optional field
 * on `TemplateStatus` or `DaemonStatus`, shown by the page in one more cell.
 */
export interface DaemonStatus {
  readonly startedAt: string;
  /** When this answer was made. */
  readonly now: string;
  /** `watch` or `interval 10s`. */
  readonly mode: string;
  readonly summary: StatusSummary;
  readonly templates: readonly TemplateStatus[];
  readonly backends: readonly BackendStatus[];
}

/** How many templates are in each state. */
export type StatusSummary = Readonly<Record<TemplateState, number>>;

/**
 * `waiting`: some dependency has no data yet (or never rendered); `failing`: the last render,
 * write, check or reload failed (the last good file stays); `fine`: rendered and up to date.
 */
export type TemplateState = 'fine' | 'waiting' | 'failing';

export interface TemplateStatus {
  readonly source: string;
  readonly destination: string;
  readonly state: TemplateState;
  /** Since when it has been waiting for `missing` (absent when it waits for nothing). */
  readonly waitingSince?: string;
  readonly dependencies: readonly DependencyStatus[];
  /** The names of the dependencies it still waits for, e.g. `kv.get(/app/x)`. */
  readonly missing: readonly string[];
  readonly lastRender?: RenderStatus;
  /** When the destination was last written. */
  readonly lastWrite?: string;
  readonly lastCheck?: CommandStatus;
  readonly lastReload?: CommandStatus;
  readonly reloadFailures: number;
  readonly lastError?: ErrorStatus;
  /** Fleet mode (-dedup) only: this instance's part in the template's fleet. */
  readonly fleet?: FleetStatus;
}

/**
 * `leader`: watches the dependencies and publishes their data; `follower`: renders from the
 * published data; `candidate`: no data published yet (it renders nothing until some is);
 * `direct`: the leader's data is over the store's limit, so this instance watches directly.
 */
export type FleetRole = 'leader' | 'follower' | 'candidate' | 'direct';

export interface FleetStatus {
  readonly role: FleetRole;
  /** The store's key holding the template's published data, e.g. `ctmpl/dedup/3f2a…/data`. */
  readonly key: string;
  /** Since when it has had this role. */
  readonly since: string;
  /** As leader: the last write of the data; `direct` when it was over the limit (the note sent instead). */
  readonly lastPublished?: { readonly at: string; readonly bytes: number; readonly direct: boolean };
  /** The last published data read, with the store's version of it (Consul ModifyIndex, etcd mod revision). */
  readonly lastReceived?: { readonly at: string; readonly version: string };
}

/** `data`: read and usable; `missing`: no data (absent key, empty list, no answer yet); `error`: its backend fails. */
export type DependencyState = 'data' | 'missing' | 'error';

export interface DependencyStatus {
  /** The dependency's canonical name, e.g. `kv.get(/app/x)`, `health.service(web|passing)`. */
  readonly name: string;
  readonly state: DependencyState;
  readonly since?: string;
  /** The store that serves it, e.g. `etcd http://127.0.0.1:2379`. */
  readonly backend: string;
  readonly error?: string;
}

/** The last render that produced a file's content. */
export interface RenderStatus {
  readonly at: string;
  readonly durationMs: number;
}

export interface CommandStatus {
  readonly at: string;
  readonly command: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly exitCode?: number;
  readonly timedOut: boolean;
  /** Its last output lines, values read from Vault masked. */
  readonly outputTail: string;
}

export interface ErrorStatus {
  readonly at: string;
  readonly message: string;
}

/** `ok`: answers; `failing`: the watches it serves are retrying; `connecting`: no answer yet. */
export type BackendState = 'ok' | 'failing' | 'connecting';

export interface BackendStatus {
  readonly address: string;
  readonly state: BackendState;
  /** How many dependencies it serves. */
  readonly watches: number;
  /** Failed attempts of the current outage, all its watches together (0 when it answers). */
  readonly retries: number;
  /** Since when it has been failing. */
  readonly failingSince?: string;
  readonly lastError?: string;
}

/** A time for the status: ISO 8601. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration for log lines: `12.5s`. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
