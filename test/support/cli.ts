import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './repo-root.js';

/**
 * The CLI a test spawns: compiled beside the tests in .test-build/ when they run from there (npm
 * test), else the build in dist/ (`npm run build`; bench and tests run through tsx).
 */
export const cliPath = import.meta.url.endsWith('.js') ? fileURLToPath(new URL('../../src/cli.js', import.meta.url)) : join(repoRoot, 'dist/cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  readonly timeoutMs?: number;
}

/** Runs the built CLI to completion and returns its exit code and output. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A CLI daemon running in the background, with its output collected as it comes. */
export interface RunningCli {
  readonly child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawnCli(args, options);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolvePromise) => child.on('close', (code) => resolvePromise(code)));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Polls (every `intervalMs`) until `check` returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Resolves to a file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Makes a temp dir and returns it with a cleanup function. */
export async function makeTempDir(prefix = 'ctmpl-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface InProcessOptions {
  readonly cwd: string;
  /** The whole environment the run sees (default: none at all). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
}

/** A CLI run in this process, with its output readable while it runs. */
export interface InProcessRun {
  stdout(): string;
  stderr(): string;
  readonly result: Promise<CliResult & { readonly code: number }>;
}

/**
 * Starts the CLI in this process through `run(argv, io)`, for tests where the process boundary is
 * not what is tested (it saves a Node start-up per call): exit codes, output, files, children.
 */
export function startInProcess(argv: readonly string[], options: InProcessOptions): InProcessRun {
  let stdout = '';
  let stderr = '';
  const result = import('../../src/cli.js')
    .then(({ run }) =>
      run(argv, {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: options.env ?? {},
        cwd: options.cwd,
        signal: options.signal ?? new AbortController().signal,
      }),
    )
    .then((code) => ({ code, stdout, stderr }));
  return { stdout: () => stdout, stderr: () => stderr, result };
}

/** Runs the CLI in this process to completion (see `startInProcess`). */
export function runInProcess(argv: readonly string[], options: InProcessOptions): Promise<CliResult & { readonly code: number }> {
  return startInProcess(argv, options).result;
}

/**
 * `runCli`'s in-process twin: same options and result, and, as for a spawned CLI, an environment
 * of only PATH, HOME and `options.env`.
 */
export function runCliInProcess(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return runInProcess(args, {
    cwd: options.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
}

/** A CLI daemon running in this process (see `runCliInProcess`), with its output collected as it comes. */
export interface InProcessCli {
  output(): string;
  /** Aborts it as SIGTERM would and resolves with the exit code. */
  stop(): Promise<number>;
}

export function startCliInProcess(args: readonly string[], options: CliOptions = {}): InProcessCli {
  let output = '';
  const controller = new AbortController();
  const write = { write: (text: string) => (output += text) };
  const exited = import('../../src/cli.js').then(({ run }) =>
    run(args, {
      stdout: write,
      stderr: write,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      cwd: options.cwd ?? process.cwd(),
      signal: controller.signal,
    }),
  );
  return {
    output: () => output,
    async stop() {
      controller.abort();
      return exited;
    },
  };
}
