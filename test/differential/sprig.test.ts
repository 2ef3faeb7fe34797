import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { findBinary } from '../support/binaries.js';
import { renderSprig, type Outcome } from '../template/functions/sprig/render.js';
import { sprigCorpus } from './sprig-corpus.js';

/**
 * Live differential of the sprig_* and spew_* functions against `gotmpl` (Go's text/template
 * with sprig 3.2.3, go-spew, built from their public sources) over a seeded random corpus. Outputs
 * must be byte-identical; a template the reference rejects must fail in ctmpl. The named cases
 * were recorded from gotmpl (scripts/record-sprig-fixtures.mjs re-records them) and are checked
 * against that recording by test/template/functions/sprig/sprig.test.ts.
 */
const SEED = 20261207;
// 100 in the suite (each is a gotmpl process); 14 000 were compared while the functions were written.
const CORPUS_SIZE = 100;
const gotmpl = findBinary('gotmpl', '', 'sprig differential', 'it is built from the public sources of Go text/template, sprig 3.2.3 and go-spew');

/** Functions whose output order comes from Go's map iteration: ctmpl sorts, Go does not. */
const RANDOM_ORDER = /sprig_(keys|values)\b|spew_s(dump|printf)/;

/**
 * A Go string may hold bytes that are not UTF-8 (`sprig_b64dec`, or `sprig_trunc` inside a
 * character); a JS string cannot, so ctmpl holds U+FFFD (3 bytes) where Go holds the bytes.
 * Outputs that show such bytes (read back as U+FFFD, or JSON's \ufffd) are not compared.
 */
const holdsInvalidUtf8 = (output: string): boolean => output.includes('\ufffd') || output.includes('\\ufffd');

/** spew prints pointers' addresses, which differ on every run; ctmpl prints a fixed one. */
const withoutAddresses = (outcome: Outcome): Outcome =>
  'output' in outcome ? { output: outcome.output.replace(/0xc[0-9a-f]{6,12}/g, '0xADDRESS') } : outcome;

async function renderReference(dir: string, name: string, template: string): Promise<Outcome> {
  const file = join(dir, `${name}.tmpl`);
  await writeFile(file, template);
  try {
    const { stdout } = await promisify(execFile)(gotmpl.path!, [file], { env: { ...process.env, TZ: 'UTC' } });
    return { output: stdout };
  } catch (error) {
    return { error: String((error as { stderr?: string }).stderr).replace(/\n$/, '').replaceAll(file, `${name}.tmpl`) };
  }
}

/** The reference's outcome for each template, a few gotmpl processes at a time. */
async function renderAllReference(dir: string, templates: readonly { name: string; template: string }[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(templates.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < templates.length; i = next++) outcomes[i] = await renderReference(dir, templates[i]!.name, templates[i]!.template);
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return outcomes;
}

describe('sprig_* against gotmpl, live', { skip: gotmpl.skip }, () => {
  it(`renders ${CORPUS_SIZE} random sprig templates as gotmpl does (or fails where it fails)`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sprig-random-'));
    const disagreements: string[] = [];
    try {
      const corpus = sprigCorpus(SEED, CORPUS_SIZE);
      const references = await renderAllReference(dir, corpus);
      for (const [i, { name, template }] of corpus.entries()) {
        const [ours, theirs] = [withoutAddresses(await renderSprig(name, template)), withoutAddresses(references[i]!)];
        const agree =
          'output' in theirs
            ? holdsInvalidUtf8(theirs.output) ||
              ('output' in ours && (ours.output === theirs.output || (RANDOM_ORDER.test(template) && [...ours.output].sort().join() === [...theirs.output].sort().join())))
            : 'error' in ours;
        if (!agree) disagreements.push(`${name}: ${template}\n  ctmpl:  ${JSON.stringify(ours)}\n  gotmpl: ${JSON.stringify(theirs)}`);
      }
    } finally {
      await rm(dir, { recursive: true });
    }
    assert.deepEqual(disagreements, []);
  });
});
