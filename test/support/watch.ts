import type { Backend, Snapshot } from '../../src/backends/backend.js';
import type { Dependency } from '../../src/types/dependency.js';
import type { CtmplError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import type { RetryPolicy } from '../../src/retry-policy.js';
import { Watcher, type WatchEvent } from '../../src/runner/watcher.js';

/** Retries quickly so a restart is noticed fast, without spinning. */
export const testRetry: RetryPolicy = { delay: () => 50 };

/** A logger that keeps its lines, `LEVEL message`, for tests to read. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (_component: string, message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** The events of one dependency from a Watcher over `backend` with `policy` (default testRetry). */
export function watchEvents(backend: Backend, dep: Dependency, signal: AbortSignal, policy: RetryPolicy = testRetry): AsyncGenerator<WatchEvent> {
  return new Watcher({ backend, retry: policy, logger: memoryLogger() }).events(dep, signal);
}

/** Takes events from a watch until one satisfies `accept`; fails after `timeoutMs`. */
export async function waitForEvent(
  events: AsyncIterator<WatchEvent>,
  accept: (event: WatchEvent) => boolean,
  timeoutMs = 15_000,
): Promise<WatchEvent> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      events.next(),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadline - Date.now()))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') break;
    if (next.done) throw new Error('watch ended');
    if (accept(next.value)) return next.value;
  }
  throw new Error(`no matching event within ${timeoutMs} ms`);
}

/** Takes events until a data event whose data satisfies `accept`. */
export async function waitForData(events: AsyncIterator<WatchEvent>, accept: (data: unknown) => boolean, timeoutMs = 15_000): Promise<Snapshot> {
  const event = await waitForEvent(events, (e) => e.kind === 'data' && accept(e.snapshot.data), timeoutMs);
  return (event as Extract<WatchEvent, { kind: 'data' }>).snapshot;
}

/** Takes events until an error event. */
export async function waitForError(events: AsyncIterator<WatchEvent>, timeoutMs = 15_000): Promise<CtmplError> {
  const event = await waitForEvent(events, (e) => e.kind === 'error', timeoutMs);
  return (event as Extract<WatchEvent, { kind: 'error' }>).error;
}

/** Runs `body` against live watches of `deps`, and always stops them. */
export async function withWatches(
  backend: Backend,
  deps: readonly Dependency[],
  body: (events: AsyncIterator<WatchEvent>[]) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const events = deps.map((dep) => watchEvents(backend, dep, controller.signal)[Symbol.asyncIterator]());
  try {
    await body(events);
  } finally {
    controller.abort();
    await Promise.all(events.map((each) => each.return?.(undefined)));
  }
}

/** Runs `body` against a live watch of `dep`, and always stops it. */
export function withWatch(backend: Backend, dep: Dependency, body: (events: AsyncIterator<WatchEvent>) => Promise<void>): Promise<void> {
  return withWatches(backend, [dep], ([events]) => body(events!));
}
