import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Watches one file and tells, to the millisecond, when its content first satisfies a predicate.
 * fs.watch on the parent directory sees the writer's rename at once; a 5 ms poll covers events
 * the kernel coalesces, so a missed event costs at most 5 ms, never a hang.
 */
export class ContentProbe {
  readonly #path: string;
  readonly #watcher: FSWatcher;
  readonly #poll: NodeJS.Timeout;
  #waiter: { check: (text: string) => boolean; resolve: (at: number) => void } | undefined;

  constructor(path: string) {
    this.#path = path;
    const name = basename(path);
    this.#watcher = watch(dirname(path), (_event, file) => {
      if (file === null || file === name) this.#check();
    });
    this.#poll = setInterval(() => this.#check(), 5);
  }

  /** Resolves with performance.now() at the first moment the file satisfies `check`; rejects after `timeoutMs`. */
  waitFor(check: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`${this.#path}: timed out after ${timeoutMs} ms waiting for ${what}; it holds: ${this.#read()?.slice(0, 200)}`));
      }, timeoutMs);
      this.#waiter = {
        check,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.#check();
    });
  }

  close(): void {
    clearInterval(this.#poll);
    this.#watcher.close();
  }

  #check(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const text = this.#read();
    if (text === undefined || !waiter.check(text)) return;
    this.#waiter = undefined;
    waiter.resolve(performance.now());
  }

  #read(): string | undefined {
    try {
      return readFileSync(this.#path, 'utf8');
    } catch {
      return undefined;
    }
  }
}
