import { spawnSync } from 'node:child_process';
import { quote } from '../template/go/strconv.js';
import type { PluginRunner } from '../types/effects.js';
import type { CommandPlace } from './commands.js';

/**
 * consul-template's `plugin` (template/funcs.go): runs NAME with ARGS (no shell), returns its
 * stdout with surrounding space trimmed, kills it after 30 s, and words its failures as
 * consul-template does. Synchronous: the template text depends on the answer and Go's
 * text/template calls functions synchronously, so the render (and the event loop) waits for
 * the plugin, as consul-template's render loop does.
 */

const PLUGIN_TIMEOUT_MS = 30_000;
/** Plugins answer with data for a template, not streams; this only bounds a runaway one. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Go's names of the signals that end processes (syscall.Signal.String). */
const SIGNAL_NAMES: Readonly<Record<string, string>> = {
  SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGHUP: 'hangup', SIGQUIT: 'quit',
  SIGABRT: 'aborted', SIGSEGV: 'segmentation fault', SIGPIPE: 'broken pipe', SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2', SIGBUS: 'bus error', SIGFPE: 'floating point exception', SIGILL: 'illegal instruction',
};

/** A PluginRunner in `place` (the run's directory and environment); `timeoutMs` is for tests. */
export function createPluginRunner(place: CommandPlace, timeoutMs = PLUGIN_TIMEOUT_MS): PluginRunner {
  return (name, args) => {
    const result = spawnSync(name, [...args], {
      cwd: place.cwd,
      env: place.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: MAX_OUTPUT_BYTES,
    });
    const stdout = result.stdout?.toString('utf8') ?? '';
    const stderr = result.stderr?.toString('utf8') ?? '';
    const failed = (reason: string) => new Error(`exec ${quote(name)}: ${reason}\n\nstdout:\n\n${stdout}\n\nstderr:\n\n${stderr}`);
    const code = (result.error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ETIMEDOUT') throw new Error(`exec ${quote(name)}: did not finish in ${goDuration(timeoutMs)}`);
    if (result.error) throw failed(startError(name, code, result.error.message));
    if (result.signal) throw failed(`signal: ${SIGNAL_NAMES[result.signal] ?? result.signal}`);
    if (result.status !== 0) throw failed(`exit status ${result.status}`);
    return stdout.trim();
  };
}

/** What Go's exec says when the program cannot start: a PATH lookup miss, or the fork/exec error. */
function startError(name: string, code: string | undefined, message: string): string {
  if (!name.includes('/') && (code === 'ENOENT' || code === 'EACCES')) return `exec: ${quote(name)}: executable file not found in $PATH`;
  if (code === 'ENOENT') return `fork/exec ${name}: no such file or directory`;
  if (code === 'EACCES') return `fork/exec ${name}: permission denied`;
  return message;
}

function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
