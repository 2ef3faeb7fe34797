import type { Backend } from '../backends/backend.js';
import { CtmplError, messageOf } from '../errors.js';
import type { Dependency } from '../types/dependency.js';
import type { PreparedResource } from './prepare.js';
import { writePass, type RenderedResource } from './pass.js';
import { runReloads, type ProcessOptions } from './process.js';
import { exponentialBackoff, type RetryPolicy } from '../retry-policy.js';
import { secretValuesOf } from './secrets.js';
import { SnapshotStore } from './snapshot-store.js';
import { Watcher } from './watcher.js';

export interface OnceOptions extends ProcessOptions {
  readonly backend: Backend;
  readonly lookupTimeoutMs: number;
  readonly signal: AbortSignal;
  /** The same policy as the daemon's (-retry-max); default: exponential backoff until the lookup deadline. */
  readonly retryPolicy?: RetryPolicy;
}

type Rendered = Omit<RenderedResource, 'resource'>;

export interface OnceResult {
  readonly failures: readonly CtmplError[];
  readonly wouldChange: boolean;
  readonly changedCount: number;
  readonly unchangedCount: number;
}

/**
 * Renders every resource once (consul-template's n-pass model: render, fetch what was missing,
 * render again), writes what changed, then runs each distinct reload command once. Data that
 * never arrives fails the resource after the lookup timeout instead of hanging.
 */
export async function runOnce(prepared: readonly PreparedResource[], options: OnceOptions): Promise<OnceResult> {
  const deadline = deadlineSignal(options.signal, options.lookupTimeoutMs);
  try {
    return await renderAll(prepared, options, deadline.signal);
  } finally {
    deadline.dispose();
  }
}

/**
 * A signal that aborts when `parent` does or after `ms`. Built by hand: on Node 20, a signal
 * from AbortSignal.any() over AbortSignal.timeout() never fires once the timeout signal has
 * been garbage-collected, which hung once mode forever.
 */
function deadlineSignal(parent: AbortSignal, ms: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort(parent.reason);
  const timer = setTimeout(() => controller.abort(new DOMException('lookup timeout', 'TimeoutError')), ms);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', abort);
    },
  };
}

async function renderAll(prepared: readonly PreparedResource[], options: OnceOptions, deadline: AbortSignal): Promise<OnceResult> {
  const watcher = new Watcher({ backend: options.backend, retry: options.retryPolicy ?? exponentialBackoff(), logger: options.logger });
  const store = new SnapshotStore();
  const failures: CtmplError[] = [];
  const outputs = new Map<PreparedResource, Rendered>();
  let pending = [...prepared];
  while (pending.length > 0) {
    const waiting = new Map<string, Dependency>();
    const missingOf = new Map<PreparedResource, string[]>();
    const stillPending: PreparedResource[] = [];
    for (const item of pending) {
      try {
        const result = item.template.render(store.data, item.renderOptions);
        if (result.output !== undefined) {
          outputs.set(item, { output: result.output, secrets: secretValuesOf(result.used, store.data, options.isVaultStore), fileWrites: result.fileWrites });
        } else {
          stillPending.push(item);
          missingOf.set(item, [...result.missing.keys()]);
          for (const [key, dep] of result.missing) waiting.set(key, dep);
        }
      } catch (error) {
        failures.push(renderFailure(error, item));
      }
    }
    pending = stillPending;
    if (pending.length === 0) break;
    try {
      await Promise.all([...waiting.values()].map((dep) => fetchInto(store, watcher, dep, deadline)));
    } catch (error) {
      for (const item of pending) failures.push(missingFailure(item, missingOf.get(item) ?? [], error, options));
      break;
    }
  }
  return finishPass(prepared, outputs, failures, options);
}

async function finishPass(
  prepared: readonly PreparedResource[],
  outputs: ReadonlyMap<PreparedResource, Rendered>,
  failures: CtmplError[],
  options: OnceOptions,
): Promise<OnceResult> {
  const items = prepared.flatMap((item) => {
    const rendered = outputs.get(item);
    return rendered === undefined ? [] : [{ resource: item.resource, ...rendered }];
  });
  const pass = await writePass(items, options);
  failures.push(...pass.errors);
  failures.push(...(await runReloads(pass.reloads, options.commandPlace, options.logger)).map((failure) => failure.error));
  return { failures, wouldChange: pass.wouldChange, changedCount: pass.changedCount, unchangedCount: pass.unchangedCount };
}

/** Reads a dependency not seen yet; for one seen but unusable (a missing key), waits for its next change. */
async function fetchInto(store: SnapshotStore, watcher: Watcher, dep: Dependency, deadline: AbortSignal): Promise<void> {
  store.set(dep, await watcher.fetch(dep, deadline, store.cursorOf(dep)));
}

function missingFailure(item: PreparedResource, missing: readonly string[], error: unknown, options: OnceOptions): CtmplError {
  const subject = item.resource.dest;
  if (options.signal.aborted) return new CtmplError('ABORTED', `${subject}: interrupted`);
  if (error instanceof CtmplError && error.code !== 'ABORTED') return new CtmplError(error.code, `${subject}: ${error.message}`, { cause: error });
  return new CtmplError('TEMPLATE_MISSING', `${subject}: no data for ${missing.join(', ')} after ${options.lookupTimeoutMs / 1000}s (-lookup-timeout)`, { cause: error });
}

function renderFailure(error: unknown, item: PreparedResource): CtmplError {
  if (error instanceof CtmplError) return error;
  return new CtmplError('TEMPLATE_EXEC', `${item.resource.dest}: ${messageOf(error)}`, { cause: error });
}
