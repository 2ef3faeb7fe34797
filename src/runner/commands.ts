import { CtmplError } from '../errors.js';

export interface CommandResult {
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode?: number;
  readonly timedOut: boolean;
  /** The last lines of stdout and stderr together, for log lines. */
  readonly outputTail: string;
}

/**
 * Runs a shell command (`/bin/sh -c`, as confd and consul-template do) with a timeout. Never
 * throws for a failing command: the caller decides whether that is fatal.
 */
export async function runCommand(command: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandResult> {
  // Loaded on first use: most once-mode runs have no command, and execa costs ~90 ms to load.
  const { execa } = await import('execa');
  const result = await execa(command, {
    shell: true,
    timeout: timeoutMs,
    reject: false,
    all: true,
    stdin: 'ignore',
    forceKillAfterDelay: 2000,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  const tail = tailOf(String(result.all ?? ''), 10);
  return {
    command,
    ok: !result.failed,
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    timedOut: Boolean(result.timedOut),
    outputTail: tail,
  };
}

/** Substitutes the staged file for `{{.src}}` in a check command, as confd's check_cmd does. */
export function checkCommandFor(template: string, stagedPath: string): string {
  return template.replace(/\{\{\s*\.src\s*\}\}/g, stagedPath);
}

/** Describes a failed command in one line plus its output tail. */
export function describeFailure(result: CommandResult, timeoutMs: number): string {
  const reason = result.timedOut ? `timed out after ${timeoutMs} ms` : `exited with status ${result.exitCode ?? 'unknown'}`;
  return `"${result.command}" ${reason}${result.outputTail ? `: ${result.outputTail}` : ''}`;
}

/** Throws CtmplError(code) when the command failed. */
export function assertCommandOk(result: CommandResult, timeoutMs: number, code: 'CHECK' | 'RELOAD', subject: string): void {
  if (!result.ok) throw new CtmplError(code, `${subject}: ${code === 'CHECK' ? 'check' : 'reload'} command ${describeFailure(result, timeoutMs)}`);
}

function tailOf(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}
