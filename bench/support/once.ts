import { readFile, rm } from 'node:fs/promises';
import { median, summarize, type Measurement } from '../report.js';
import { cliArgv, measureProcess, nodeBaselineArgv } from './measure.js';

/** The same render done by the Go peer (confd or consul-template), alternated run by run with ctmpl's. */
export interface PeerRun {
  readonly label: string;
  readonly argv: readonly string[];
  /** The file the peer writes; removed before each of its runs. */
  readonly dest: string;
}

export interface OnceBenchOptions {
  /** CLI arguments of one once-render. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** The file the run writes; removed before every run so each run renders and writes it in full. */
  readonly dest: string;
  readonly repeats: number;
  /** Throws when a run's output is wrong (checked after every run, the peer's too). */
  readonly verify: (output: string) => void;
  /** Appended to the metric names when a scenario measures more than one input. */
  readonly label?: string;
  readonly peer?: PeerRun;
}

/**
 * Spawns the CLI `repeats` times (after one unmeasured warm-up), each run next to a `node -e 0`
 * run and, with a peer, a run of the peer, so all see the same machine noise. Returns wall time
 * and peak RSS rows against Node's start-up and, with a peer, against the peer (value ÷ peer
 * median). Rejects when a run fails or writes the wrong output.
 */
export async function measureOnceRender(options: OnceBenchOptions): Promise<Measurement[]> {
  const ctmpl = { wall: [] as number[], rss: [] as number[] };
  const node = { wall: [] as number[], rss: [] as number[] };
  const peer = { wall: [] as number[], rss: [] as number[] };
  for (let i = 0; i <= options.repeats; i++) {
    const base = await measureProcess(nodeBaselineArgv, { cwd: options.cwd });
    const run = await renderOnce(cliArgv(options.args), options.dest, options);
    const other = options.peer ? await renderOnce(options.peer.argv, options.peer.dest, options) : undefined;
    if (i === 0) continue;
    ctmpl.wall.push(run.wallMs);
    ctmpl.rss.push(run.peakRssKb / 1024);
    node.wall.push(base.wallMs);
    node.rss.push(base.peakRssKb / 1024);
    if (other) {
      peer.wall.push(other.wallMs);
      peer.rss.push(other.peakRssKb / 1024);
    }
  }
  const suffix = options.label ? ` (${options.label})` : '';
  const rows = [
    summarize(`wall time${suffix}`, 'ms', ctmpl.wall, { label: 'node -e 0', value: median(node.wall) }),
    summarize(`peak RSS${suffix}`, 'MiB', ctmpl.rss, { label: 'node -e 0', value: median(node.rss) }),
  ];
  if (options.peer) {
    const label = options.peer.label;
    rows.push(
      summarize(`wall time vs ${label}${suffix}`, 'ms', ctmpl.wall, { label, value: median(peer.wall) }),
      summarize(`peak RSS vs ${label}${suffix}`, 'MiB', ctmpl.rss, { label, value: median(peer.rss) }),
    );
  }
  return rows;
}

async function renderOnce(argv: readonly string[], dest: string, options: OnceBenchOptions) {
  await rm(dest, { force: true });
  const run = await measureProcess(argv, { cwd: options.cwd });
  if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
  options.verify(await readFile(dest, 'utf8'));
  return run;
}
