import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A server binary run by a test: spawned with a log file in its own temp dir, stopped by PID.
 * Shared by the etcd and redis helpers; the CLI tests reuse those helpers.
 */
export class ServerProcess {
  readonly #binary: string;
  readonly #args: readonly string[];
  readonly #logPath: string;
  #child: ChildProcess | undefined;

  constructor(binary: string, args: readonly string[], logPath: string) {
    this.#binary = binary;
    this.#args = args;
    this.#logPath = logPath;
  }

  /** The PID of the running server, or undefined when stopped. */
  get pid(): number | undefined {
    return this.#child?.exitCode === null ? this.#child.pid : undefined;
  }

  /** Spawns the server; resolves once `isReady` holds, rejects with the log tail if it exits first. */
  async start(isReady: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const log = openSync(this.#logPath, 'a');
    const child = spawn(this.#binary, this.#args, { stdio: ['ignore', log, log] });
    closeSync(log);
    this.#child = child;
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.#binary} exited (${child.exitCode}): ${this.logTail()}`);
      if (await isReady().catch(() => false)) return;
      await delay(50);
    }
    throw new Error(`${this.#binary} not ready within ${timeoutMs} ms: ${this.logTail()}`);
  }

  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** The last lines of the server's log, for error messages. */
  logTail(lines = 15): string {
    try {
      return readFileSync(this.#logPath, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

const liveChildren = new Set<ChildProcess>();

// A crashed test run must not leave servers behind: kill what we started, by PID.
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Creates a fresh temp dir named after `prefix`. */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ctmpl-${prefix}-`));
}

/** Removes a temp dir made by `makeTempDir`. */
export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Starts a server, trying again on fresh ports when the ones picked were taken in the meantime
 * (freePort only says a port was free a moment ago; parallel test files race for them).
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !/address already in use/i.test(String(error))) throw error;
    }
  }
}
