import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../../test/support/cli.js';

/** What one finished process cost: wall time from spawn to exit, and its peak resident set. */
export interface ProcessCost {
  readonly wallMs: number;
  readonly peakRssKb: number;
  readonly code: number | null;
  readonly stderr: string;
}

export interface MeasureOptions {
  readonly cwd: string;
  readonly timeoutMs?: number;
}

const gnuTime = '/usr/bin/time';

/**
 * How peak RSS is read: GNU time's `%M` (getrusage ru_maxrss of the child, exact) when
 * /usr/bin/time is GNU time, else polling /proc/PID/status VmHWM every 5 ms until exit.
 */
export const peakRssMethod: 'gnu-time-%M' | 'proc-VmHWM-poll' = hasGnuTime() ? 'gnu-time-%M' : 'proc-VmHWM-poll';

function hasGnuTime(): boolean {
  if (!existsSync(gnuTime)) return false;
  const probe = spawnSync(gnuTime, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/.test(probe.stderr.trim().split('\n').pop() ?? '');
}

/** Runs `argv` to completion and returns its wall time and peak RSS; rejects if it cannot be spawned. */
export async function measureProcess(argv: readonly string[], options: MeasureOptions): Promise<ProcessCost> {
  if (peakRssMethod === 'proc-VmHWM-poll') return runPolling(argv, options);
  const dir = await mkdtemp(join(tmpdir(), 'ctmpl-bench-time-'));
  const out = join(dir, 'rss');
  try {
    const run = await runChild(gnuTime, ['-f', '%M', '-o', out, ...argv], options);
    // GNU time prefixes "Command exited with non-zero status N" on failure; %M is the last line.
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    return { ...run, peakRssKb: Number(lines[lines.length - 1]) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The built CLI as an argv for `measureProcess`. */
export function cliArgv(args: readonly string[]): string[] {
  return [process.execPath, cliPath, ...args];
}

/** Node's own start-up, the baseline of the once scenarios. */
export const nodeBaselineArgv: readonly string[] = [process.execPath, '-e', '0'];

async function runPolling(argv: readonly string[], options: MeasureOptions): Promise<ProcessCost> {
  let peakRssKb = 0;
  let pid: number | undefined;
  const timer = setInterval(() => {
    if (pid !== undefined) peakRssKb = Math.max(peakRssKb, readProcStatus(pid)?.vmHwmKb ?? 0);
  }, 5);
  try {
    const run = await runChild(argv[0]!, argv.slice(1), options, (childPid) => (pid = childPid));
    return { ...run, peakRssKb };
  } finally {
    clearInterval(timer);
  }
}

function runChild(
  command: string,
  args: readonly string[],
  options: MeasureOptions,
  onSpawn?: (pid: number) => void,
): Promise<Omit<ProcessCost, 'peakRssKb'>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - started, code, stderr });
    });
  });
}

/** VmRSS and VmHWM of a live process in KiB, or undefined once it is gone. */
export function readProcStatus(pid: number): { vmRssKb: number; vmHwmKb: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  const vmRssKb = field('VmRSS');
  return Number.isNaN(vmRssKb) ? undefined : { vmRssKb, vmHwmKb: field('VmHWM') };
}
