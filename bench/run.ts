import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, freemem, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatMarkdown, formatTable, type ScenarioResult } from './report.js';
import { scenarios, type Size } from './scenarios/index.js';

/**
 * `npm run bench [-- --tiny] [--markdown] [name…]`: runs the scenarios (all, or those whose name contains
 * one of the filters) one after the other, prints one table and writes bench/results/latest.json
 * (full run of everything) or bench/results/partial.json.
 * A scenario that throws is reported and the others still run; the exit status is then 1.
 */
async function main(argv: readonly string[]): Promise<number> {
  const size: Size = argv.includes('--tiny') ? 'tiny' : 'full';
  const filters = argv.filter((arg) => !arg.startsWith('--'));
  const chosen = scenarios.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  const started = performance.now();
  for (const scenario of chosen) {
    const t0 = performance.now();
    process.stderr.write(`[bench] ${scenario.name} (${size})…\n`);
    try {
      results.push(await scenario.run(size));
      process.stderr.write(`[bench] ${scenario.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ scenario: scenario.name, error: message });
      process.stderr.write(`[bench] ${scenario.name} FAILED: ${message}\n`);
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const table = argv.includes('--markdown') ? formatMarkdown(results) : formatTable(results);
  process.stdout.write(`${table}\n\ntotal ${totalSeconds.toFixed(1)} s (${size})\n`);
  for (const failure of failures) process.stdout.write(`FAILED ${failure.scenario}: ${failure.error}\n`);
  // Only a full run of everything replaces latest.json; --tiny or filtered runs go to partial.json.
  const file = size === 'full' && filters.length === 0 ? 'latest.json' : 'partial.json';
  await writeResults(file, { size, filters, totalSeconds, machine: machine(), results, failures });
  return failures.length > 0 ? 1 : 0;
}

function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(totalmem() / 2 ** 20),
    freeMemMiB: Math.round(freemem() / 2 ** 20),
    date: new Date().toISOString(),
  };
}

async function writeResults(file: string, report: unknown): Promise<void> {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}${file}`, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`results: ${dir}${file}\n`);
}

process.exitCode = await main(process.argv.slice(2));
