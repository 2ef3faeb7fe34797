import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

/** The Go tools ctmpl replaces, measured side by side when they are on PATH. */
export type PeerName = 'confd' | 'consul-template' | 'consul';

/**
 * The path of `name` on PATH, or undefined (then the scenario measures ctmpl alone and says so).
 * CTMPL_BENCH_PEERS=0 turns the peers off.
 */
export function findPeer(name: PeerName): string | undefined {
  if (process.env.CTMPL_BENCH_PEERS === '0') return undefined;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A long-running peer daemon, stopped by its PID. */
export interface RunningPeer {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `binary args` in `cwd` with its output kept for error messages. */
export function startPeer(binary: string, args: readonly string[], cwd: string): RunningPeer {
  const child = spawn(binary, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
