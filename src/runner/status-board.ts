import type { Resource } from '../config/resource.js';
import type { Logger } from '../log.js';
import type { RenderResult } from '../template/render.js';
import { redactCredentials } from '../redact.js';
import type { Dependency } from '../types/dependency.js';
import type { CommandResult } from './commands.js';
import { Reminder } from './reminder.js';
import { isoTime, seconds, type BackendStatus, type CommandStatus, type DaemonStatus, type DependencyStatus, type FleetStatus, type TemplateState, type TemplateStatus } from './status.js';
import { WatchHealth } from './watch-health.js';

export interface StatusBoardOptions {
  /** The run's backend, listed even before its first dependency. */
  readonly backend: string;
  /** The store serving a dependency (Backend.addressOf). */
  readonly addressOf: (dep: Dependency) => string;
  readonly blockedWarningMs: number;
  readonly logger: Logger;
  readonly mode: string;
  /** Fleet mode (-dedup): the template's role in its fleet. */
  readonly fleetOf?: (resource: Resource) => FleetStatus | undefined;
}

interface TemplateRecord {
  resource: Resource;
  used: ReadonlyMap<string, Dependency>;
  /** Dependency key → since when the renders have found it without data. */
  missingSince: Map<string, number>;
  waitingSince?: number;
  /** What the warnings of this wait named, for the line that says it is over. */
  waitedFor: Set<string>;
  readonly reminder: Reminder;
  hasRendered: boolean;
  lastRender?: { at: number; durationMs: number };
  lastWrite?: number;
  lastCheck?: CommandRecord;
  lastReload?: CommandRecord;
  reloadFailures: number;
  lastError?: { at: number; message: string };
  /** The last render, write, check or reload failed. */
  isFailing: boolean;
  secrets: readonly string[];
}

interface CommandRecord {
  readonly at: number;
  readonly result: CommandResult;
}

/**
 * The daemon's state as the operator sees it: what each template read, waits for, and last did;
 * how each backend answers. The daemon reports events here; `status()` is the `/status` answer.
 * It also names what blocks: a template waiting longer than `blockedWarningMs` for data, or a
 * backend failing that long, is warned about, again at growing intervals, until it is over.
 */
export class StatusBoard {
  readonly #options: StatusBoardOptions;
  readonly #startedAt = Date.now();
  #templates = new Map<Resource, TemplateRecord>();
  #byDest = new Map<string, TemplateRecord[]>();
  readonly #watches: WatchHealth;

  constructor(options: StatusBoardOptions) {
    this.#options = options;
    this.#watches = new WatchHealth({ addressOf: options.addressOf, warnAfterMs: options.blockedWarningMs, logger: options.logger });
  }

  /** The templates to show; a template kept across a reload (same source and destination) keeps its history. */
  setTemplates(resources: readonly Resource[]): void {
    const previous = new Map([...this.#templates.values()].map((record) => [identity(record.resource), record]));
    this.#templates = new Map(resources.map((resource) => {
      const kept = previous.get(identity(resource));
      previous.delete(identity(resource));
      if (kept) kept.resource = resource;
      return [resource, kept ?? this.#newRecord(resource)];
    }));
    for (const gone of previous.values()) gone.reminder.stop();
    this.#byDest = new Map();
    for (const record of this.#templates.values()) this.#byDest.set(record.resource.dest, [...(this.#byDest.get(record.resource.dest) ?? []), record]);
  }

  /** A render finished: with `output` it is complete, else it waits for `missing`. `secrets`: the Vault values it read. */
  rendered(resource: Resource, result: Pick<RenderResult, 'used' | 'missing' | 'output'>, durationMs: number, secrets: readonly string[] = []): void {
    const record = this.#templates.get(resource);
    if (!record) return;
    const now = Date.now();
    record.used = result.used;
    if (result.missing.size > 0 || record.missingSince.size > 0) {
      record.missingSince = new Map([...result.missing.keys()].map((key) => [key, record.missingSince.get(key) ?? now]));
    }
    if (result.output === undefined) {
      record.waitingSince ??= now;
      record.reminder.start(record.waitingSince);
      return;
    }
    record.hasRendered = true;
    record.lastRender = { at: now, durationMs };
    record.secrets = secrets;
    this.#endWait(record, now);
  }

  /** A render threw: the template itself is at fault (the last good file stays). */
  renderFailed(resource: Resource, message: string): void {
    const record = this.#templates.get(resource);
    if (!record) return;
    this.#endWait(record, Date.now(), false);
    this.#fail(record, message);
  }

  /** The pass wrote (or left unchanged) `dest`, or failed to (`error`). */
  processed(dest: string, outcome: { didRender: boolean; error?: string }): void {
    for (const record of this.#recordsOf(dest)) {
      if (outcome.error !== undefined) this.#fail(record, outcome.error);
      else {
        if (outcome.didRender) record.lastWrite = Date.now();
        record.isFailing = record.lastReload?.result.ok === false;
      }
    }
  }

  checked(dest: string, result: CommandResult): void {
    for (const record of this.#recordsOf(dest)) record.lastCheck = { at: Date.now(), result };
  }

  /** A reload command ran for the templates writing `dests`. */
  reloaded(dests: readonly string[], result: CommandResult): void {
    for (const record of dests.flatMap((dest) => this.#recordsOf(dest))) {
      record.lastReload = { at: Date.now(), result };
      if (result.ok) record.isFailing = false;
      else {
        record.reloadFailures++;
        this.#fail(record, `reload command "${result.command}" failed`);
      }
    }
  }

  dependencyData(dep: Dependency): void {
    this.#watches.data(dep);
  }

  /** A watch failed (its attempt-th attempt of this outage), or (`failure` absent) its backend answers again. */
  dependencyHealth(dep: Dependency, failure?: { error: string; attempt: number }): void {
    this.#watches.health(dep, failure);
  }

  /** The daemon no longer watches `dep`: it no longer counts for its backend. */
  dependencyDropped(dep: Dependency): void {
    this.#watches.dropped(dep);
  }

  /** Stops every reminder (the daemon stops). */
  stop(): void {
    for (const record of this.#templates.values()) record.reminder.stop();
    this.#watches.stop();
  }

  /** The `/status` answer. */
  status(): DaemonStatus {
    const templates = [...this.#templates.values()].map((record) => this.#templateStatus(record));
    const summary = { fine: 0, waiting: 0, failing: 0 };
    for (const template of templates) summary[template.state]++;
    return { startedAt: isoTime(this.#startedAt), now: isoTime(Date.now()), mode: this.#options.mode, summary, templates, backends: this.#backendStatuses() };
  }

  #newRecord(resource: Resource): TemplateRecord {
    const record: TemplateRecord = {
      resource, used: new Map(), missingSince: new Map(), waitedFor: new Set(), hasRendered: false, reloadFailures: 0, isFailing: false, secrets: [],
      reminder: new Reminder(this.#options.blockedWarningMs, (elapsed) => this.#warnBlocked(record, elapsed)),
    };
    return record;
  }

  #recordsOf(dest: string): readonly TemplateRecord[] {
    return this.#byDest.get(dest) ?? [];
  }

  #fail(record: TemplateRecord, message: string): void {
    record.isFailing = true;
    record.lastError = { at: Date.now(), message };
  }

  /** The wait is over: says so when it was long enough to have been warned about. */
  #endWait(record: TemplateRecord, now: number, didRender = true): void {
    if (record.waitingSince === undefined) return;
    const warnings = record.reminder.stop();
    if (warnings > 0 && didRender) {
      this.#options.logger.info('runner', `${record.resource.dest}: rendered after waiting ${seconds(now - record.waitingSince)} for ${[...record.waitedFor].join(', ')}`);
    }
    record.waitingSince = undefined;
    record.waitedFor = new Set();
  }

  #warnBlocked(record: TemplateRecord, elapsedMs: number): void {
    for (const key of record.missingSince.keys()) record.waitedFor.add(key);
    const names = [...record.missingSince.keys()].map((key) => `${key} (${this.#whyMissing(key, record)})`);
    this.#options.logger.warn('runner', `${record.resource.dest}: waiting ${seconds(elapsedMs)} for ${names.join(', ')}`);
  }

  #whyMissing(key: string, record: TemplateRecord): string {
    const watch = this.#watches.get(key);
    const dep = record.used.get(key);
    const address = dep ? this.#watches.addressOf(key, dep) : this.#options.backend;
    if (watch?.failingSince !== undefined) return `${address} failing: ${watch.lastError ?? 'no answer'}`;
    if (watch?.dataAt === undefined) return `no answer yet from ${address}`;
    return `no data on ${address}`;
  }

  #templateStatus(record: TemplateRecord): TemplateStatus {
    const fleet = this.#options.fleetOf?.(record.resource);
    const dependencies = [...record.used.entries()].map(([key, dep]) => this.#dependencyStatus(key, dep, record));
    const state: TemplateState = record.isFailing ? 'failing' : record.waitingSince !== undefined || !record.hasRendered ? 'waiting' : 'fine';
    return {
      source: record.resource.contents === undefined ? record.resource.src : `${record.resource.origin} (inline contents)`,
      destination: record.resource.dest,
      state,
      ...(record.waitingSince !== undefined ? { waitingSince: isoTime(record.waitingSince) } : {}),
      dependencies,
      missing: [...record.missingSince.keys()],
      ...(record.lastRender ? { lastRender: { at: isoTime(record.lastRender.at), durationMs: round(record.lastRender.durationMs) } } : {}),
      ...(record.lastWrite !== undefined ? { lastWrite: isoTime(record.lastWrite) } : {}),
      ...(record.lastCheck ? { lastCheck: commandStatus(record.lastCheck, record.secrets) } : {}),
      ...(record.lastReload ? { lastReload: commandStatus(record.lastReload, record.secrets) } : {}),
      reloadFailures: record.reloadFailures,
      ...(record.lastError ? { lastError: { at: isoTime(record.lastError.at), message: redactCredentials(mask(record.lastError.message, record.secrets)) } } : {}),
      ...(fleet ? { fleet } : {}),
    };
  }

  #dependencyStatus(key: string, dep: Dependency, record: TemplateRecord): DependencyStatus {
    const watch = this.#watches.get(key);
    const backend = redactCredentials(this.#watches.addressOf(key, dep));
    if (watch?.failingSince !== undefined) {
      return { name: key, state: 'error', since: isoTime(watch.failingSince), backend, error: redactCredentials(watch.lastError ?? 'no answer') };
    }
    const missingSince = record.missingSince.get(key);
    if (missingSince !== undefined) return { name: key, state: 'missing', since: isoTime(missingSince), backend };
    return { name: key, state: 'data', ...(watch?.dataAt !== undefined ? { since: isoTime(watch.dataAt) } : {}), backend };
  }

  #backendStatuses(): BackendStatus[] {
    const used = new Map([...this.#templates.values()].flatMap((record) => [...record.used]));
    return this.#watches.backends(used, this.#options.backend);
  }
}

function identity(resource: Resource): string {
  return `${resource.origin}\0${resource.src}\0${resource.dest}`;
}

function commandStatus({ at, result }: CommandRecord, secrets: readonly string[]): CommandStatus {
  return {
    at: isoTime(at),
    command: redactCredentials(result.command),
    ok: result.ok,
    durationMs: round(result.durationMs),
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    timedOut: result.timedOut,
    outputTail: redactCredentials(mask(result.outputTail, secrets)),
  };
}

/** Hides the values a template read from Vault, should a command print them. */
function mask(text: string, secrets: readonly string[]): string {
  return secrets.reduce((masked, secret) => masked.replaceAll(secret, '***'), text);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
