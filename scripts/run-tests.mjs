#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs, so the files are listed here.
// test/reliability/ is its own suite (npm run test:reliability, `--reliability`): minutes of kills,
// restarts and load, not part of `npm test`. It prints the figures its files record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const isReliability = args.includes('--reliability');
const only = args.filter((arg) => arg !== '--reliability');
const all = readdirSync('test', { recursive: true }).map((f) => join('test', String(f)));
const inReliability = (file) => file.startsWith(join('test', 'reliability'));
const files = (only.length > 0 ? only : all.filter((file) => inReliability(file) === isReliability))
  .filter((file) => file.endsWith('.test.ts'))
  .sort();
const figuresDir = mkdtempSync(join(tmpdir(), 'ctmpl-figures-'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${isReliability ? 1 : 3}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, CTMPL_FIGURES_DIR: figuresDir } },
);
printFigures(figuresDir);
rmSync(figuresDir, { recursive: true, force: true });
process.exit(result.status ?? 1);

/** Prints the figures test files recorded (test/reliability/figures.ts) as one table. */
function printFigures(dir) {
  const rows = readdirSync(dir).sort().flatMap((file) => readFileSync(join(dir, file), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)));
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((row) => row.figure.length));
  process.stdout.write(`\nfigures\n${'figure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`);
  for (const row of rows) process.stdout.write(`${row.figure.padEnd(width)}  ${row.value}\n`);
}
