import type { Backend, Snapshot } from '../backends/backend.js';
import type { Resource } from '../config/resource.js';
import type { Wait } from '../config/wait.js';
import { CtmplError, messageOf } from '../errors.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { DependencyRegistry } from './dependency-registry.js';
import type { PreparedResource } from './prepare.js';
import { writePass, type DueReload, type RenderedResource } from './pass.js';
import { secretValuesOf } from './secrets.js';
import { runReloads, type ProcessOptions } from './process.js';
import type { CommandResult } from './commands.js';
import { Quiescence } from './quiescence.js';
import { exponentialBackoff, type RetryPolicy } from '../retry-policy.js';
import { SnapshotStore } from './snapshot-store.js';
import { createStats, type RunStats } from './stats.js';
import { StatusBoard } from './status-board.js';
import type { DaemonFleet } from './dedup/fleet-mode.js';
import { Watcher, type WatcherOptions } from './watcher.js';

export interface DaemonOptions extends ProcessOptions {
  readonly backend: Backend;
  readonly signal: AbortSignal;
  /** Follow change feeds (watch mode) or re-read every `intervalMs` (confd interval mode). */
  readonly watch: boolean;
  readonly intervalMs: number;
  readonly wait?: Wait;
  readonly waitAtStart: boolean;
  readonly reloadErrorFatal: boolean;
  /** Used by the daemon's own Watcher; default: exponential backoff, forever. */
  readonly retryPolicy?: RetryPolicy;
  /** A template waiting this long for data is warned about, again at growing intervals (default 10 s). */
  readonly blockedWarningMs?: number;
  /** Called after every pass (exec mode starts, signals or restarts its child from here). */
  readonly onPassComplete?: (pass: { isComplete: boolean; didChange: boolean; didFail: boolean }) => Promise<void> | void;
  /** Fleet mode (-dedup): where each template's data comes from. */
  readonly fleet?: DaemonFleet<PreparedResource>;
}

/** The run's counters; the name is kept for code written before RunStats. */
export type DaemonStats = RunStats;

/**
 * The long-running mode's scheduler. One watch per distinct dependency (reference counted across
 * resources, the data itself comes from the Watcher); a change re-renders only the resources
 * that used it; quiescence per resource; writes then one run of each distinct reload command
 * per pass. Nothing here exits on a failure except a failed reload with `reloadErrorFatal`, a
 * render or write error of a template with `errorFatal`, or a dependency given up on
 * (`-retry-max`): the promise resolves with that error, or with null when `signal` aborts.
 */
export class Daemon {
  readonly stats: RunStats = createStats();
  /** What each template waits for and last did, for the log's warnings, /status and the status page. */
  readonly status: StatusBoard;
  readonly #options: DaemonOptions;
  readonly #watcher: Watcher;
  readonly #store = new SnapshotStore();
  readonly #registry: DependencyRegistry<PreparedResource>;
  readonly #dirty = new Set<PreparedResource>();
  readonly #timers = new Map<PreparedResource, Quiescence>();
  readonly #rendered = new Set<PreparedResource>();
  /** Reload commands that failed: run again on the next pass even if their file is unchanged. */
  readonly #failedReloads = new Set<string>();
  #resources: PreparedResource[] = [];
  readonly #itemOf = new Map<Resource, PreparedResource>();
  #renderFailures = 0;
  #passQueued = false;
  #passRunning: Promise<void> = Promise.resolve();
  #fatal: ((error: CtmplError) => void) | undefined;

  constructor(options: DaemonOptions) {
    this.#options = options;
    const retry = options.retryPolicy ?? exponentialBackoff();
    const { backend, logger, fleet } = options;
    this.status = new StatusBoard({
      backend: backend.description,
      addressOf: (dep) => backend.addressOf?.(dep) ?? backend.description,
      blockedWarningMs: options.blockedWarningMs ?? 10_000,
      logger,
      mode: options.watch ? 'watch' : `interval ${options.intervalMs / 1000}s`,
      ...(fleet ? {
        fleetOf: (resource: Resource) => {
          const item = this.#itemOf.get(resource);
          return item && fleet.statusOf(item);
        },
      } : {}),
    });
    const onHealth: WatcherOptions['onHealth'] = (dep, health) =>
      this.status.dependencyHealth(dep, health.kind === 'failing' ? { error: health.error.message, attempt: health.attempt } : undefined);
    this.#watcher = new Watcher({ backend, retry, logger, stats: this.stats, onHealth });
    this.#registry = new DependencyRegistry((dep) => this.#startWatch(dep));
    options.fleet?.attach({
      markDirty: (item) => this.#markDirty(item),
      forgetUnwatched: (keys) => {
        for (const key of keys) if (this.#registry.usersOf(key).size === 0) this.#store.delete(key);
      },
    });
  }

  /** Runs until the signal aborts (resolves null) or a fatal failure (resolves the error). */
  run(resources: readonly PreparedResource[]): Promise<CtmplError | null> {
    return new Promise((resolve) => {
      this.#fatal = (error) => {
        this.#stop();
        resolve(error);
      };
      const stop = () => {
        this.#stop();
        void this.#passRunning.then(() => resolve(null));
      };
      // The abort may have come during start-up, before anyone listened for it.
      if (this.#options.signal.aborted) return stop();
      this.#options.signal.addEventListener('abort', stop, { once: true });
      this.replaceResources(resources);
    });
  }

  /** Swaps the resource set (config reload): new ones render now, removed ones drop their watches. */
  replaceResources(resources: readonly PreparedResource[]): void {
    for (const old of this.#resources) {
      this.#registry.setUses(old, new Map());
      this.#timers.get(old)?.cancel();
      this.#timers.delete(old);
    }
    this.#rendered.clear();
    this.#resources = [...resources];
    this.#itemOf.clear();
    for (const item of this.#resources) this.#itemOf.set(item.resource, item);
    this.status.setTemplates(this.#resources.map((item) => item.resource));
    this.#options.fleet?.setResources(this.#resources);
    for (const item of this.#resources) this.#markDirty(item);
    this.stats.watches = this.#registry.size;
  }

  get watchedDependencies(): string[] {
    return this.#registry.keys();
  }

  #stop(): void {
    this.status.stop();
    for (const timer of this.#timers.values()) timer.cancel();
    this.#registry.stopAll();
  }

  #markDirty(item: PreparedResource): void {
    const wait = item.resource.wait ?? this.#options.wait;
    const isFirst = !this.#rendered.has(item);
    if (!wait || (isFirst && !this.#options.waitAtStart)) {
      this.#enqueue(item);
      return;
    }
    let timer = this.#timers.get(item);
    if (!timer) {
      timer = new Quiescence(wait, () => this.#enqueue(item));
      this.#timers.set(item, timer);
    }
    timer.touch();
  }

  #enqueue(item: PreparedResource): void {
    this.#dirty.add(item);
    if (this.#passQueued) return;
    this.#passQueued = true;
    this.#passRunning = this.#passRunning.then(() => {
      this.#passQueued = false;
      return this.#pass();
    });
  }

  /** One pass: render the dirty resources, write what changed, run each reload command once. */
  async #pass(): Promise<void> {
    if (this.#options.signal.aborted) return;
    const batch = [...this.#dirty];
    this.#dirty.clear();
    const failuresBefore = this.#renderFailures;
    const items = batch.flatMap((item) => {
      const rendered = this.#render(item);
      if (rendered === undefined) return [];
      this.#rendered.add(item);
      return [{ resource: item.resource, ...rendered }];
    });
    const onCheck = (dest: string, result: CommandResult) => this.status.checked(dest, result);
    const pass = await writePass(items, { ...this.#options, onCheck }, (command) => this.#failedReloads.has(command));
    for (const { dest, didRender, error } of pass.outcomes) this.status.processed(dest, { didRender, ...(error ? { error: error.message } : {}) });
    this.stats.writes += pass.written;
    for (const error of pass.errors) this.#options.logger.error('runner', error.message);
    // consul-template's error_fatal: a failed write ends the run before any command runs.
    const fatalWrite = pass.outcomes.find(({ dest, error }) => error?.code === 'WRITE' && batch.some((item) => item.resource.dest === dest && item.resource.errorFatal));
    if (fatalWrite) {
      this.#fatal?.(new CtmplError('WRITE', `${fatalWrite.error!.message} (error_fatal)`));
      return;
    }
    await this.#reload(pass.reloads);
    await this.#options.onPassComplete?.({
      isComplete: this.#resources.every((item) => this.#rendered.has(item)),
      didChange: pass.written > 0,
      didFail: this.#renderFailures > failuresBefore || pass.errors.length > 0,
    });
  }

  async #reload(reloads: readonly DueReload[]): Promise<void> {
    if (reloads.length === 0) return;
    const onResult = (result: CommandResult) => this.status.reloaded(reloads.filter((r) => r.command === result.command).map((r) => r.dest), result);
    const failures = await runReloads(reloads, this.#options.commandPlace, this.#options.logger, onResult);
    this.stats.reloads += new Set(reloads.map((r) => r.command)).size;
    for (const { command } of reloads) this.#failedReloads.delete(command);
    for (const failure of failures) {
      this.#failedReloads.add(failure.command);
      if (this.#options.reloadErrorFatal) this.#fatal?.(new CtmplError('RELOAD', `${failure.error.message} (-reload-error-fatal)`));
    }
  }

  /** Renders one resource; updates its watches from what it used. Returns the output, if complete. */
  #render(item: PreparedResource): Omit<RenderedResource, 'resource'> | undefined {
    this.stats.renders++;
    const started = performance.now();
    try {
      const { fleet } = this.#options;
      const data = fleet ? fleet.dataFor(item, this.#store.data) : this.#store.data;
      const result = item.template.render(data, item.renderOptions);
      const durationMs = performance.now() - started;
      this.#registry.setUses(item, fleet ? fleet.watchesFor(item, result.used) : result.used);
      fleet?.rendered(item, result, data);
      this.stats.watches = this.#registry.size;
      if (result.output === undefined) {
        this.#options.logger.debug('runner', `${item.resource.dest}: waiting for ${[...result.missing.keys()].join(', ')}`);
        this.status.rendered(item.resource, result, durationMs);
        return undefined;
      }
      const secrets = secretValuesOf(result.used, data, this.#options.isVaultStore);
      this.status.rendered(item.resource, result, durationMs, secrets);
      return { output: result.output, secrets, fileWrites: result.fileWrites };
    } catch (error) {
      this.#renderFailures++;
      this.status.renderFailed(item.resource, messageOf(error));
      if (item.resource.errorFatal) {
        const code = error instanceof CtmplError ? error.code : 'TEMPLATE_EXEC';
        this.#fatal?.(new CtmplError(code, `${item.resource.dest}: ${messageOf(error)} (error_fatal)`, { cause: error }));
        return undefined;
      }
      this.#options.logger.error('runner', `${item.resource.dest}: ${messageOf(error)} (keeping the last good file)`);
      return undefined;
    }
  }

  /** Has the Watcher follow (or poll) `dep`; its giving up (-retry-max) ends the run. Returns the stop function. */
  #startWatch(dep: Dependency): () => void {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, this.#options.signal]);
    const onData = (snapshot: Snapshot) => this.#onData(dep, snapshot);
    const { watch, intervalMs } = this.#options;
    const watching = watch ? this.#watcher.follow(dep, signal, onData) : this.#watcher.poll(dep, intervalMs, signal, onData);
    watching.catch((error: unknown) => {
      const failure = error instanceof CtmplError ? error : new CtmplError('BACKEND', `${dependencyKey(dep)}: ${messageOf(error)}`);
      if (!signal.aborted) this.#fatal?.(failure);
    });
    return () => {
      controller.abort();
      this.status.dependencyDropped(dep);
    };
  }

  #onData(dep: Dependency, snapshot: Snapshot): void {
    const key = dependencyKey(dep);
    if (this.#store.cursorOf(dep) === snapshot.cursor && this.#store.has(dep)) return;
    this.#store.set(dep, snapshot);
    this.status.dependencyData(dep);
    for (const item of this.#registry.usersOf(key)) this.#markDirty(item);
  }
}
