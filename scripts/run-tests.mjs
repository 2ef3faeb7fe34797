#!/usr/bin/env node
// Runs every test/**/*.test.ts through node:test's run(), which takes the files in the order given
// (the longest first, see `startRank`); Node 20's --test neither expands globs nor keeps the order.
//
// The sources (src/, test/, bench/) are first compiled into .test-build/ with esbuild (what tsx
// uses, so the JavaScript is the same), one file per file, in well under a second: every test file
// runs in its own process, and loading tsx in each cost ~0.4 s of CPU, a fifth of the suite.
// test/fixtures and package.json are linked in, so paths counted from a source file land on the
// same files (and the compiled files are ES modules, as package.json says).
//
// test/reliability/ is its own suite (npm run test:reliability, `--reliability`): minutes of kills,
// restarts and load, not part of `npm test`. It prints the figures its files record.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { build } from 'esbuild';

const BUILD_DIR = '.test-build';
const STARTS_FIRST = ['runner/watcher', 'differential/sprig', 'docs', 'backends/vault', 'cli/zookeeper', 'conformance-vault', 'backends/vault/pki', 'runner/status-page', 'cli/node-credentials'].map((name) => join('test', `${name}.test.ts`));
const ONE_PROCESS_DIRS = [join('test', 'template'), join('test', 'config')];
const args = process.argv.slice(2);
const isReliability = args.includes('--reliability');
const only = args.filter((arg) => arg !== '--reliability');
const inReliability = (file) => file.startsWith(join('test', 'reliability'));
const files = (only.length > 0 ? only : sourcesIn('test').filter((file) => inReliability(file) === isReliability))
  .filter((file) => file.endsWith('.test.ts'))
  .sort((a, b) => startRank(a) - startRank(b) || a.localeCompare(b));

await compileSources();
const compiled = groupInOneProcess(files.map((file) => join(BUILD_DIR, file.replace(/\.ts$/, '.js'))));
const figuresDir = mkdtempSync(join(tmpdir(), 'ctmpl-figures-'));
// Each test file's process inherits these.
process.env.CTMPL_FIGURES_DIR = figuresDir;
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --enable-source-maps`.trim();
// run() rather than `node --test`, which sorts the files by name and would undo `startRank`.
const tests = run({ files: compiled, concurrency: isReliability ? 1 : 4 });
let hasFailed = false;
tests.on('test:fail', () => (hasFailed = true));
await pipeline(tests, new spec(), process.stdout, { end: false });
printFigures(figuresDir);
rmSync(figuresDir, { recursive: true, force: true });
process.exit(hasFailed ? 1 : 0);

/**
 * The longest files (a redis outage waited out in real time, every benchmark scenario, a JVM, Vault
 * lookups timing out) start first, so none of them is left running alone at the end of the run.
 */
function startRank(file) {
  const rank = STARTS_FIRST.indexOf(file);
  return rank === -1 ? STARTS_FIRST.length : rank;
}

function sourcesIn(dir) {
  return readdirSync(dir, { recursive: true })
    .map((file) => join(dir, String(file)))
    .filter((file) => file.endsWith('.ts') && !file.startsWith(join('test', 'fixtures')));
}

async function compileSources() {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  await build({
    entryPoints: ['src', 'test', 'bench'].flatMap(sourcesIn),
    outdir: BUILD_DIR,
    outbase: '.',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  symlinkSync(resolve('test/fixtures'), join(BUILD_DIR, 'test', 'fixtures'), 'dir');
  symlinkSync(resolve('package.json'), join(BUILD_DIR, 'package.json'));
}

/**
 * The template and config tests start no server and no process, and each is over in a few hundred
 * milliseconds: a Node start for each of them cost more CPU than their tests. They run in one
 * process (one file importing them all); every other file keeps its own process.
 */
function groupInOneProcess(compiledFiles) {
  const inGroup = (file) => ONE_PROCESS_DIRS.some((dir) => file.startsWith(join(BUILD_DIR, dir) + sep));
  const grouped = compiledFiles.filter(inGroup);
  if (grouped.length < 2) return compiledFiles;
  const entry = join(BUILD_DIR, 'test', 'template-and-config.test.js');
  writeFileSync(entry, grouped.map((file) => `import ${JSON.stringify(`./${relative(join(BUILD_DIR, 'test'), file)}`)};\n`).join(''));
  return [entry, ...compiledFiles.filter((file) => !inGroup(file))];
}

/** Prints the figures test files recorded (test/support/figures.ts) as one table. */
function printFigures(dir) {
  const rows = readdirSync(dir).sort().flatMap((file) => readFileSync(join(dir, file), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)));
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((row) => row.figure.length));
  process.stdout.write(`\nfigures\n${'figure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`);
  for (const row of rows) process.stdout.write(`${row.figure.padEnd(width)}  ${row.value}\n`);
}
