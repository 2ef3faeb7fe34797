/**
 * Runs templates through the real consul-template and through ctmpl against the same Consul:
 * `-once` with one `-template src:dest` per template. consul-template stops at the first
 * template that fails, so the templates ctmpl rendered run as one batch (re-run without any
 * template the peer names as failed), and the ones ctmpl failed run alone, with a timeout for
 * those that wait forever (data that never arrives).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../src/cli.js';
import { partitionByParse } from './confd-peer.js';
import { readOutcomes, type Outcome } from './outcome.js';

export interface TemplateCase {
  readonly name: string;
  readonly template: string;
}

export const CONSUL_DIFF_ENV = { DIFF_SET: 'set-value' } as const;

const execFileAsync = promisify(execFile);
const CHUNK = 30;
/** Peer runs at a time: mostly waiting on Consul and process start-up, so more than the two cores. */
const PARALLEL = 6;

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function templateArgs(dir: string, out: string, names: readonly string[]): string[] {
  return names.flatMap((name) => ['-template', `${join(dir, `${name}.ctmpl`)}:${join(out, name)}`]);
}

/** One consul-template -once run; resolves to the template it names as failed, if it failed. */
async function runPeerOnce(binary: string, addr: string, args: readonly string[], timeoutMs: number): Promise<{ failed?: string; timedOut: boolean }> {
  try {
    await execFileAsync(binary, ['-once', '-consul-addr', addr, '-log-level', 'err', ...args], {
      env: { PATH: process.env.PATH, ...CONSUL_DIFF_ENV },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
    return { timedOut: false };
  } catch (error) {
    const { stderr = '', killed = false } = error as { stderr?: string; killed?: boolean };
    const failed = /\[ERR\] \(cli\) (\S+)\.ctmpl: /.exec(stderr)?.[1]?.split('/').pop();
    return { ...(failed ? { failed } : {}), timedOut: killed };
  }
}

/** ctmpl in-process, the same flags; every template it cannot render is left unwritten. */
async function runCtmpl(addr: string, args: readonly string[]): Promise<string> {
  let stderr = '';
  await run(['-once', '-consul-addr', addr, '-lookup-timeout', '10s', '-log-level', 'error', ...args], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...CONSUL_DIFF_ENV },
    cwd: process.cwd(),
    signal: new AbortController().signal,
  });
  return stderr;
}

export interface ConsulOutcomes {
  readonly peer: Map<string, Outcome>;
  readonly ctmpl: Map<string, Outcome>;
  readonly peerMs: number;
  readonly ctmplMs: number;
  readonly peerRuns: number;
  /** Templates the peer never finished rendering (waited past the timeout). */
  readonly peerTimeouts: readonly string[];
}

/** Renders `cases` with ctmpl and consul-template against the agent at `addr`. */
export async function renderWithConsul(binary: string, addr: string, root: string, cases: readonly TemplateCase[]): Promise<ConsulOutcomes> {
  const dir = join(root, 'templates');
  const peerOut = join(root, 'peer-out');
  const ctmplOut = join(root, 'ctmpl-out');
  await Promise.all([mkdir(dir, { recursive: true }), mkdir(peerOut, { recursive: true }), mkdir(ctmplOut, { recursive: true })]);
  await Promise.all(cases.map((c) => writeFile(join(dir, `${c.name}.ctmpl`), c.template)));
  const names = cases.map((c) => c.name);

  let started = Date.now();
  const { parsed } = await partitionByParse(cases, 'consul-template');
  const stderr = await runCtmpl(addr, templateArgs(dir, ctmplOut, parsed.map((c) => c.name)));
  if (process.env.DIFF_DUMP) await writeFile(`${process.env.DIFF_DUMP}.ctmpl-stderr`, stderr);
  const ctmpl = await readOutcomes(ctmplOut, names);
  const ctmplMs = Date.now() - started;

  started = Date.now();
  let peerRuns = 0;
  const rendered = names.filter((name) => ctmpl.get(name)?.output !== undefined);
  const alone = names.filter((name) => ctmpl.get(name)?.output === undefined);
  // Chunks, so that a template the peer fails costs a re-run of its chunk only.
  const chunks = Array.from({ length: Math.ceil(rendered.length / CHUNK) }, (_, i) => rendered.slice(i * CHUNK, (i + 1) * CHUNK));
  const runChunk = async (chunk: readonly string[]) => {
    for (let batch = chunk; batch.length > 0; ) {
      peerRuns++;
      const result = await runPeerOnce(binary, addr, templateArgs(dir, peerOut, batch), 20_000);
      if (!result.failed) return;
      alone.push(result.failed);
      batch = batch.filter((name) => name !== result.failed);
    }
  };
  await inParallel(chunks, PARALLEL, runChunk);
  const queue = [...new Set(alone)];
  const peerTimeouts: string[] = [];
  await inParallel(queue, PARALLEL, async (name) => {
    peerRuns++;
    if ((await runPeerOnce(binary, addr, templateArgs(dir, peerOut, [name]), 3_000)).timedOut) peerTimeouts.push(name);
  });
  const peerMs = Date.now() - started;
  return { peer: await readOutcomes(peerOut, names), ctmpl, peerMs, ctmplMs, peerRuns, peerTimeouts };
}
