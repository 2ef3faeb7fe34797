/**
 * Runs templates through the real confd and through ctmpl the same way: a confdir holding a
 * resource per template (prefix `/<name>`, keys `/`), a data file holding each template's data
 * under `/<name>`, one `-onetime` run of each tool per batch. confd re-reads the whole data file
 * for every resource, so one run over 500 templates is quadratic (8 s); batches of ~100 with
 * their own data file keep it linear.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../src/cli.js';
import type { Flavor } from '../../src/types/template.js';
import { compileTemplate } from '../../src/template/render.js';
import { readOutcomes, type Outcome } from './outcome.js';

export interface ConfdBatchCase {
  readonly name: string;
  readonly template: string;
}

/** One batch: its cases and the YAML text of their data (each under its name). */
export interface ConfdBatch {
  readonly cases: readonly ConfdBatchCase[];
  readonly yaml: string;
}

export const DIFF_ENV = { DIFF_SET: 'set-value' } as const;

/** Writes `<root>/<tool>/` (a confdir) whose resources write to `<root>/<tool>-out/<name>`. */
async function writeConfdir(root: string, tool: string, cases: readonly ConfdBatchCase[]): Promise<{ confdir: string; out: string }> {
  const confdir = join(root, tool);
  const out = join(root, `${tool}-out`);
  await mkdir(join(confdir, 'conf.d'), { recursive: true });
  await mkdir(join(confdir, 'templates'), { recursive: true });
  await mkdir(out, { recursive: true });
  await Promise.all(
    cases.flatMap((c) => [
      writeFile(join(confdir, 'templates', `${c.name}.tmpl`), c.template),
      writeFile(
        join(confdir, 'conf.d', `${c.name}.toml`),
        `[template]\nsrc = "${c.name}.tmpl"\ndest = ${JSON.stringify(join(out, c.name))}\nprefix = "/${c.name}"\nkeys = ["/"]\n`,
      ),
    ]),
  );
  return { confdir, out };
}

/** Runs the real confd once over a confdir; it exits non-zero when any template failed, which is expected. */
async function runConfd(binary: string, confdir: string, dataFile: string): Promise<void> {
  await promisify(execFile)(binary, ['-onetime', '-backend', 'file', '-file', dataFile, '-confdir', confdir, '-log-level', 'panic'], {
    env: { PATH: process.env.PATH, ...DIFF_ENV },
    maxBuffer: 64 * 1024 * 1024,
  }).catch(() => undefined);
}

/** Runs ctmpl in-process over a confdir, as the CLI would. */
async function runCtmpl(confdir: string, dataFile: string): Promise<void> {
  await run(['-onetime', '-backend', 'file', '-file', dataFile, '-confdir', confdir, '-log-level', 'error'], {
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: { ...DIFF_ENV },
    cwd: confdir,
    signal: new AbortController().signal,
  });
}

/**
 * Splits templates into those ctmpl parses and those it rejects. A template that does not parse
 * stops ctmpl's whole run before anything is written (as consul-template does), where confd
 * still renders its other resources; so a rejected template is not put in ctmpl's batch: its
 * outcome is "failed", and the peer must fail it too.
 */
export async function partitionByParse<T extends ConfdBatchCase>(cases: readonly T[], flavor: Flavor): Promise<{ parsed: T[]; rejected: T[] }> {
  const parsed: T[] = [];
  const rejected: T[] = [];
  for (const c of cases) {
    const ok = await compileTemplate({ name: c.name, text: c.template, dialect: 'go', flavor }).then(() => true, () => false);
    (ok ? parsed : rejected).push(c);
  }
  return { parsed, rejected };
}

export interface BatchOutcomes {
  readonly confd: Map<string, Outcome>;
  readonly ctmpl: Map<string, Outcome>;
  readonly confdMs: number;
  readonly ctmplMs: number;
}

/** Renders every batch with confd (two processes at a time) and with ctmpl; returns each template's outcome. */
export async function renderBatches(binary: string, root: string, batches: readonly ConfdBatch[]): Promise<BatchOutcomes> {
  const prepared = await Promise.all(
    batches.map(async (batch, i) => {
      const dir = join(root, `batch${i}`);
      await mkdir(dir, { recursive: true });
      const dataFile = join(dir, 'data.yaml');
      await writeFile(dataFile, batch.yaml);
      const { parsed } = await partitionByParse(batch.cases, 'confd');
      return { dataFile, names: batch.cases.map((c) => c.name), confd: await writeConfdir(dir, 'confd', batch.cases), ctmpl: await writeConfdir(dir, 'ctmpl', parsed) };
    }),
  );
  let started = Date.now();
  const queue = [...prepared];
  const worker = async () => {
    for (let b = queue.shift(); b; b = queue.shift()) await runConfd(binary, b.confd.confdir, b.dataFile);
  };
  await Promise.all([worker(), worker()]);
  const confdMs = Date.now() - started;
  started = Date.now();
  for (const b of prepared) await runCtmpl(b.ctmpl.confdir, b.dataFile);
  const ctmplMs = Date.now() - started;
  const confd = new Map<string, Outcome>();
  const ctmpl = new Map<string, Outcome>();
  for (const b of prepared) {
    for (const [name, outcome] of await readOutcomes(b.confd.out, b.names)) confd.set(name, outcome);
    for (const [name, outcome] of await readOutcomes(b.ctmpl.out, b.names)) ctmpl.set(name, outcome);
  }
  return { confd, ctmpl, confdMs, ctmplMs };
}
