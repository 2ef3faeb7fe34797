import { readdirSync, readFileSync } from 'node:fs';
export { waitForError } from './watch.js';

/**
 * Runs `body` while the server `pid` is frozen (SIGSTOP: alive, connections open, never answering),
 * and always thaws it afterwards: a stopped server would not even exit on SIGTERM.
 */
export async function whileFrozen<T>(pid: number | undefined, body: () => Promise<T>): Promise<T> {
  if (pid === undefined) throw new Error('the server is not running');
  process.kill(pid, 'SIGSTOP');
  try {
    await waitUntilStopped(pid);
    return await body();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/**
 * Resolves once every thread of `pid` is stopped. kill() returns before a busy process on another
 * core has stopped: a request sent in that moment would still be answered.
 */
async function waitUntilStopped(pid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state = (task: string) => {
    try {
      return /^\d+ \(.*\) (\S)/s.exec(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'))?.[1];
    } catch {
      return 'T'; // the thread is gone
    }
  };
  while (Date.now() < deadline) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return; // no /proc: nothing to wait for
    }
    if (tasks.every((task) => state(task) === 'T' || state(task) === 't')) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`process ${pid} did not stop within ${timeoutMs} ms`);
}

/** Escapes text for use inside a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
