import type { WatchEvent } from '../../src/backends/retry.js';
import type { CtmplError } from '../../src/errors.js';

/**
 * Runs `body` while the server `pid` is frozen (SIGSTOP: alive, connections open, never answering),
 * and always thaws it afterwards: a stopped server would not even exit on SIGTERM.
 */
export async function whileFrozen<T>(pid: number | undefined, body: () => Promise<T>): Promise<T> {
  if (pid === undefined) throw new Error('the server is not running');
  process.kill(pid, 'SIGSTOP');
  try {
    return await body();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** Takes events from a watch until an error event; fails after `timeoutMs`. */
export async function waitForError(events: AsyncIterator<WatchEvent>, timeoutMs = 15_000): Promise<CtmplError> {
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
    if (next.value.kind === 'error') return next.value.error;
  }
  throw new Error(`no error event within ${timeoutMs} ms`);
}

/** Escapes text for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
