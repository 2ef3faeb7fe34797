/**
 * What one tool did with one template, and how two tools' outcomes are compared: the same
 * bytes, or both failed. A disagreement the peer is known for (a documented wart) is named in
 * the WARTS table of the suite and not counted.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A temp dir for one differential run, in memory (/dev/shm) when the machine has it: both tools
 * write hundreds of files and ctmpl fsyncs each one, which on a disk costs seconds.
 */
export async function makeScratchDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = await mkdtemp(join(base, prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `output` is the written file; undefined when the tool wrote none (it failed on that template). */
export interface Outcome {
  readonly output?: string;
}

export interface Disagreement {
  readonly name: string;
  readonly template: string;
  readonly peer: Outcome;
  readonly ctmpl: Outcome;
}

/** Reads `<dir>/<name>` for every name: the outcome of each template. */
export async function readOutcomes(dir: string, names: readonly string[]): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  await Promise.all(
    names.map(async (name) => {
      const output = await readFile(join(dir, name), 'utf8').catch(() => undefined);
      outcomes.set(name, output === undefined ? {} : { output });
    }),
  );
  return outcomes;
}

/** Whether two outcomes agree: the same bytes, or both failed. */
export function agrees(a: Outcome, b: Outcome): boolean {
  return a.output === b.output;
}

export interface Comparison {
  readonly disagreements: readonly Disagreement[];
  /** Disagreements explained by a named wart, by wart name. */
  readonly warts: ReadonlyMap<string, readonly string[]>;
  readonly peerFailures: number;
}

/** A peer behaviour ctmpl deliberately does not copy, recognised from the case. */
export interface Wart {
  readonly name: string;
  readonly matches: (d: Disagreement) => boolean;
}

/** Compares every template's outcome; unexplained disagreements are returned. */
export function compareOutcomes(
  templates: ReadonlyMap<string, string>,
  peer: ReadonlyMap<string, Outcome>,
  ctmpl: ReadonlyMap<string, Outcome>,
  warts: readonly Wart[],
): Comparison {
  const disagreements: Disagreement[] = [];
  const explained = new Map<string, string[]>();
  let peerFailures = 0;
  for (const [name, template] of templates) {
    const p = peer.get(name) ?? {};
    const c = ctmpl.get(name) ?? {};
    if (p.output === undefined) peerFailures++;
    if (agrees(p, c)) continue;
    const d: Disagreement = { name, template, peer: p, ctmpl: c };
    const wart = warts.find((w) => w.matches(d));
    if (wart) explained.set(wart.name, [...(explained.get(wart.name) ?? []), name]);
    else disagreements.push(d);
  }
  return { disagreements, warts: explained, peerFailures };
}

const show = (o: Outcome) => (o.output === undefined ? '(failed: no file written)' : JSON.stringify(o.output));

/** Writes every disagreement to the file named by DIFF_DUMP, when set (for investigating a run). */
export async function dumpDisagreements(list: readonly Disagreement[]): Promise<void> {
  const path = process.env.DIFF_DUMP;
  if (path) await writeFile(path, describeDisagreements(list, list.length));
}

/** A readable report of disagreements, the first `limit` in full. */
export function describeDisagreements(list: readonly Disagreement[], limit = 15): string {
  return list
    .slice(0, limit)
    .map((d) => `--- ${d.name}\ntemplate: ${JSON.stringify(d.template)}\npeer:     ${show(d.peer)}\nctmpl:    ${show(d.ctmpl)}`)
    .join('\n');
}
