import { readFile, rm } from 'node:fs/promises';
import { median, summarize, type Measurement } from '../report.js';
import { cliArgv, measureProcess, nodeBaselineArgv } from './measure.js';

export interface OnceBenchOptions {
  /** CLI arguments of one once-render. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** The file the run writes; removed before every run so each run renders and writes it in full. */
  readonly dest: string;
  readonly repeats: number;
  /** Throws when a run's output is wrong (checked after every run). */
  readonly verify: (output: string) => void;
  /** Appended to the metric names when a scenario measures more than one input. */
  readonly label?: string;
}

/**
 * Spawns the CLI `repeats` times (after one unmeasured warm-up), interleaved with `node -e 0`
 * runs so both see the same machine noise; returns wall time and peak RSS rows with Node's
 * start-up as baseline. Rejects when a run fails or writes the wrong output.
 */
export async function measureOnceRender(options: OnceBenchOptions): Promise<Measurement[]> {
  const ctmpl = { wall: [] as number[], rss: [] as number[] };
  const node = { wall: [] as number[], rss: [] as number[] };
  for (let i = 0; i <= options.repeats; i++) {
    const base = await measureProcess(nodeBaselineArgv, { cwd: options.cwd });
    await rm(options.dest, { force: true });
    const run = await measureProcess(cliArgv(options.args), { cwd: options.cwd });
    if (run.code !== 0) throw new Error(`ctmpl ${options.args.join(' ')} exited ${run.code}: ${run.stderr}`);
    options.verify(await readFile(options.dest, 'utf8'));
    if (i === 0) continue;
    ctmpl.wall.push(run.wallMs);
    ctmpl.rss.push(run.peakRssKb / 1024);
    node.wall.push(base.wallMs);
    node.rss.push(base.peakRssKb / 1024);
  }
  const suffix = options.label ? ` (${options.label})` : '';
  return [
    summarize(`wall time${suffix}`, 'ms', ctmpl.wall, { label: 'node -e 0', value: median(node.wall) }),
    summarize(`peak RSS${suffix}`, 'MiB', ctmpl.rss, { label: 'node -e 0', value: median(node.rss) }),
  ];
}

