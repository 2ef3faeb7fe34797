import { run } from '../../src/cli.js';

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InProcessOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly signal?: AbortSignal;
}

/** A CLI run in this process, with its output readable while it runs. */
export interface InProcessRun {
  stdout(): string;
  stderr(): string;
  readonly result: Promise<InProcessResult>;
}

/**
 * Starts the CLI in this process with `run(argv, io)`; for behaviour that does not depend on
 * the process boundary (exit codes, output, files written, children started).
 */
export function startInProcess(argv: readonly string[], options: InProcessOptions): InProcessRun {
  let stdout = '';
  let stderr = '';
  const result = run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    cwd: options.cwd,
    signal: options.signal ?? new AbortController().signal,
  }).then((code) => ({ code, stdout, stderr }));
  return { stdout: () => stdout, stderr: () => stderr, result };
}

/** Runs the CLI in this process to completion. */
export function runInProcess(argv: readonly string[], options: InProcessOptions): Promise<InProcessResult> {
  return startInProcess(argv, options).result;
}
