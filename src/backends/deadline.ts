export interface TimeoutOptions {
  /** How long the operation may go without progress. */
  readonly ms: number;
  /** The caller's signal: aborting it aborts the operation and rejects at once. */
  readonly signal?: AbortSignal;
  /** The error to reject with when the time runs out. */
  readonly error: () => Error;
  /** Called when the time runs out, before rejecting: e.g. to drop a connection whose replies are now out of step. */
  readonly onTimeout?: () => void;
}

/** What a bounded operation gets: a signal that aborts on timeout (or the caller's abort), and a way to report progress. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Restarts the clock: each step of a long operation gets the full time. */
  progress(): void;
}

/**
 * Runs `operation`, rejecting with `options.error()` once it has made no progress for
 * `options.ms`, even when the operation ignores its signal (a frozen server never answers).
 * Plain timers and an AbortController, not AbortSignal.timeout: on Node 20 a timeout signal
 * combined with AbortSignal.any stops firing once it is garbage-collected.
 */
export async function withTimeout<T>(operation: (deadline: Deadline) => Promise<T>, options: TimeoutOptions): Promise<T> {
  const controller = new AbortController();
  const parent = options.signal;
  let onParentAbort = () => {};
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    // Reject before aborting: the operation's own abort error must not win the race.
    onParentAbort = () => {
      reject(parent?.reason ?? abortError());
      controller.abort(parent?.reason);
    };
    timer = setTimeout(() => {
      const error = options.error();
      reject(error);
      options.onTimeout?.();
      controller.abort(error);
    }, options.ms);
  });
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  try {
    const deadline = { signal: controller.signal, progress: () => void timer?.refresh() };
    return await Promise.race([operation(deadline), stopped]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  }
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}
