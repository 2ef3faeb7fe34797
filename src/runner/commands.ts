import { CtmplError } from '../errors.js';

export interface CommandResult {
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode?: number;
  readonly timedOut: boolean;
  /** The last lines of stdout and stderr together, for log lines. */
  readonly outputTail: string;
  readonly durationMs: number;
}

/** Where commands run and the whole environment they see: the run's own (`run(argv, io)`), not this process's. */
export interface CommandPlace {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** How long a command has to exit after SIGTERM before its process group is killed. */
const killGraceMs = 2000;

/**
 * Runs a shell command (`/bin/sh -c`, as confd and consul-template do) with a timeout. Never
 * throws for a failing command: the caller decides whether that is fatal.
 *
 * The command runs in its own process group, and the timeout signals the whole group: killing
 * only the shell would leave `sleep 30` in `sh -c "reload; sleep 30"` holding the output pipe,
 * and the run would wait for it anyway.
 */
export async function runCommand(command: string, timeoutMs: number, place: CommandPlace): Promise<CommandResult> {
  // Loaded on first use: most once-mode runs have no command, and execa costs ~90 ms to load.
  const { execa } = await import('execa');
  const started = performance.now();
  const subprocess = execa(command, { shell: true, detached: true, reject: false, all: true, stdin: 'ignore', cwd: place.cwd, env: place.env, extendEnv: false });
  let timedOut = false;
  const terminate = setTimeout(() => {
    timedOut = true;
    signalGroup(subprocess.pid, 'SIGTERM');
  }, timeoutMs);
  const kill = setTimeout(() => signalGroup(subprocess.pid, 'SIGKILL'), timeoutMs + killGraceMs);
  const result = await subprocess;
  clearTimeout(terminate);
  clearTimeout(kill);
  return {
    command,
    ok: !result.failed && !timedOut,
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    timedOut,
    outputTail: tailOf(String(result.all ?? ''), 10),
    durationMs: performance.now() - started,
  };
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** The paths a command may name: `{{.src}}` (the staged file for a check) and `{{.dest}}`. */
export interface CommandPaths {
  readonly src: string;
  readonly dest: string;
}

/**
 * Substitutes `{{.src}}` and `{{.dest}}` in a check or reload command, as confd's check_cmd and
 * abtreece/confd's `{{.dest}}` do, shell-quoting each path so a space or `$` in a directory
 * cannot split or change the command. A placeholder the user already quoted stays inside
 * those quotes, escaped for them.
 */
export function expandCommand(template: string, paths: CommandPaths): string {
  return template.replace(/(['"]?)\{\{\s*\.(src|dest)\s*\}\}(['"]?)/g, (_whole, open: string, name: 'src' | 'dest', close: string) => {
    const path = paths[name];
    if (open && open === close) return `${open}${open === "'" ? path.replaceAll("'", `'\\''`) : path.replace(/["$`\\]/g, '\\$&')}${close}`;
    return `${open}${quoteForShell(path)}${close}`;
  });
}

/** `path` as one /bin/sh word: unchanged when it holds only safe characters, else single-quoted. */
export function quoteForShell(path: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
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
