export { waitForError } from './watch.js';

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

/** Escapes text for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
