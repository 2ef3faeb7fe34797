import type { Backend } from '../backends/backend.js';
import { dependencyKey, type Dependency } from '../backends/dependency.js';
import { exponentialBackoff, sleep, watchDependency, type RetryPolicy } from '../backends/retry.js';
import type { Wait } from '../config/wait.js';
import { CtmplError, messageOf } from '../errors.js';
import { DependencyRegistry } from './dependency-registry.js';
import type { PreparedResource } from './prepare.js';
import { writePass, type DueReload } from './pass.js';
import { secretValuesOf } from './secrets.js';
import { runReloads, type ProcessOptions } from './process.js';
import { Quiescence } from './quiescence.js';
import { SnapshotStore } from './snapshot-store.js';

export interface DaemonOptions extends ProcessOptions {
  readonly backend: Backend;
  readonly signal: AbortSignal;
  /** Follow change feeds (watch mode) or re-read every `intervalMs` (confd interval mode). */
  readonly watch: boolean;
  readonly intervalMs: number;
  readonly wait?: Wait;
  readonly waitAtStart: boolean;
  readonly reloadErrorFatal: boolean;
  readonly retryPolicy?: RetryPolicy;
}

/** Counters for /metrics and for tests that count work per change. */
export interface DaemonStats {
  renders: number;
  writes: number;
  reloads: number;
  watches: number;
  backendErrors: number;
}

/**
 * The long-running mode. One watch per distinct dependency (reference counted across
 * resources); a change re-renders only the resources that used it; quiescence per resource;
 * writes then one run of each distinct reload command per pass. Nothing here exits on a
 * failure except a failed reload with `reloadErrorFatal`: the promise resolves with that error,
 * or with null when `signal` aborts.
 */
export class Daemon {
  readonly stats: DaemonStats = { renders: 0, writes: 0, reloads: 0, watches: 0, backendErrors: 0 };
  readonly #options: DaemonOptions;
  readonly #store = new SnapshotStore();
  readonly #registry: DependencyRegistry<PreparedResource>;
  readonly #dirty = new Set<PreparedResource>();
  readonly #timers = new Map<PreparedResource, Quiescence>();
  readonly #rendered = new Set<PreparedResource>();
  /** Reload commands that failed: run again on the next pass even if their file is unchanged. */
  readonly #failedReloads = new Set<string>();
  #resources: PreparedResource[] = [];
  #passQueued = false;
  #passRunning: Promise<void> = Promise.resolve();
  #fatal: ((error: CtmplError) => void) | undefined;

  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#registry = new DependencyRegistry((dep) => this.#startWatch(dep));
  }

  /** Runs until the signal aborts (resolves null) or a fatal reload failure (resolves the error). */
  run(resources: readonly PreparedResource[]): Promise<CtmplError | null> {
    return new Promise((resolve) => {
      this.#fatal = (error) => {
        this.#stop();
        resolve(error);
      };
      this.#options.signal.addEventListener('abort', () => {
        this.#stop();
        void this.#passRunning.then(() => resolve(null));
      }, { once: true });
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
    for (const item of this.#resources) this.#markDirty(item);
    this.stats.watches = this.#registry.size;
  }

  get watchedDependencies(): string[] {
    return this.#registry.keys();
  }

  #stop(): void {
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
    const items = batch.flatMap((item) => {
      const rendered = this.#render(item);
      if (rendered === undefined) return [];
      this.#rendered.add(item);
      return [{ resource: item.resource, ...rendered }];
    });
    const pass = await writePass(items, this.#options, (command) => this.#failedReloads.has(command));
    this.stats.writes += pass.written;
    for (const error of pass.errors) this.#options.logger.error('runner', error.message);
    await this.#reload(pass.reloads);
  }

  async #reload(reloads: readonly DueReload[]): Promise<void> {
    if (reloads.length === 0) return;
    const failures = await runReloads(reloads, this.#options.logger);
    this.stats.reloads += new Set(reloads.map((r) => r.command)).size;
    for (const { command } of reloads) this.#failedReloads.delete(command);
    for (const failure of failures) {
      this.#failedReloads.add(failure.command);
      if (this.#options.reloadErrorFatal) this.#fatal?.(new CtmplError('RELOAD', `${failure.error.message} (-reload-error-fatal)`));
    }
  }

  /** Renders one resource; updates its watches from what it used. Returns the output, if complete. */
  #render(item: PreparedResource): { output: string; secrets: string[] } | undefined {
    this.stats.renders++;
    try {
      const result = item.template.render(this.#store.data, item.renderOptions);
      this.#registry.setUses(item, result.used);
      this.stats.watches = this.#registry.size;
      if (result.output === undefined) {
        this.#options.logger.debug('runner', `${item.resource.dest}: waiting for ${[...result.missing.keys()].join(', ')}`);
      }
      return result.output === undefined ? undefined : { output: result.output, secrets: secretValuesOf(result.used, this.#store.data, this.#options.isVaultStore) };
    } catch (error) {
      this.#options.logger.error('runner', `${item.resource.dest}: ${messageOf(error)} (keeping the last good file)`);
      return undefined;
    }
  }

  #startWatch(dep: Dependency): () => void {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, this.#options.signal]);
    const follow = this.#options.watch ? this.#follow(dep, signal) : this.#poll(dep, signal);
    follow.catch((error) => this.#options.logger.error('watcher', `${dependencyKey(dep)}: ${messageOf(error)}`));
    return () => controller.abort();
  }

  async #follow(dep: Dependency, signal: AbortSignal): Promise<void> {
    const key = dependencyKey(dep);
    if (!this.#options.backend.supports(dep)) {
      this.#options.logger.error('watcher', `${key}: not supported by the ${this.#options.backend.description} backend`);
      return;
    }
    const policy = this.#options.retryPolicy ?? exponentialBackoff();
    let lastError: CtmplError | undefined;
    for await (const event of watchDependency(this.#options.backend, dep, signal, policy)) {
      if (event.kind === 'data') this.#onData(dep, event.snapshot);
      else if (event.kind === 'recovered') this.#options.logger.info('watcher', `${key}: backend reachable again`);
      else {
        lastError = event.error;
        if (event.attempt === 1) {
          this.stats.backendErrors++;
          this.#options.logger.error('watcher', `${key}: ${event.error.message} (retrying; keeping the last good data)`);
        }
      }
    }
    // The iteration only ends unaborted when the retry policy gave up (-retry-max).
    if (!signal.aborted && lastError) this.#fatal?.(new CtmplError(lastError.code, `${key}: giving up after -retry-max attempts: ${lastError.message}`));
  }

  /** confd interval mode: re-read every interval; a read that fails keeps the last good data. */
  async #poll(dep: Dependency, signal: AbortSignal): Promise<void> {
    const key = dependencyKey(dep);
    let failing = false;
    while (!signal.aborted) {
      try {
        this.#onData(dep, await this.#options.backend.snapshot(dep, signal));
        if (failing) this.#options.logger.info('watcher', `${key}: backend reachable again`);
        failing = false;
      } catch (error) {
        if (signal.aborted) return;
        if (!failing) this.#options.logger.error('watcher', `${key}: ${messageOf(error)} (keeping the last good data)`);
        failing = true;
      }
      await sleep(this.#options.intervalMs, signal);
    }
  }

  #onData(dep: Dependency, snapshot: { data: unknown; cursor: string }): void {
    const key = dependencyKey(dep);
    if (this.#store.cursorOf(dep) === snapshot.cursor && this.#store.has(dep)) return;
    this.#store.set(dep, snapshot);
    for (const item of this.#registry.usersOf(key)) this.#markDirty(item);
  }
}
