import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Records a figure for the table scripts/run-tests.mjs prints after the run (one JSON line per
 * figure in $CTMPL_FIGURES_DIR); also prints it, so a file run on its own shows it too.
 */
export function recordFigure(file: string, figure: string, value: string | number): void {
  process.stdout.write(`figure: ${figure} = ${value}\n`);
  const dir = process.env.CTMPL_FIGURES_DIR;
  if (dir) appendFileSync(join(dir, `${file}.jsonl`), `${JSON.stringify({ figure, value: String(value) })}\n`);
}

/** Resident set size (kB) and open descriptors of a running process, from /proc. */
export function sampleProcess(pid: number): { rssKb: number; descriptors: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { rssKb, descriptors: readdirSync(`/proc/${pid}/fd`).length };
}
