import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinary } from '../support/binaries.js';
import { confdCorpus } from './confd-corpus.js';
import { renderBatches, type ConfdBatch, type ConfdBatchCase } from './confd-peer.js';
import { compareOutcomes, describeDisagreements, dumpDisagreements, makeScratchDir, type Wart } from './outcome.js';
import { toYaml } from './random.js';

/**
 * Differential test against the real confd (file backend): every go-template conformance
 * template and a generated corpus, rendered by confd and by ctmpl in one -onetime run each,
 * compared byte for byte (a template confd fails on must fail in ctmpl too).
 */
const SEED = 20261202;
const CORPUS_SIZE = 300;
const BATCH_SIZE = 75;
const conformanceRoot = fileURLToPath(new URL('../fixtures/conformance/go-template/', import.meta.url));

/** confd behaviours ctmpl does not copy on purpose. */
const WARTS: readonly Wart[] = [];

async function conformanceBatch(): Promise<ConfdBatch> {
  const names = (await readdir(conformanceRoot, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const cases: ConfdBatchCase[] = [];
  let yaml = '';
  for (const [i, dirName] of names.entries()) {
    const name = `g${String(i).padStart(4, '0')}`;
    const data = await readFile(join(conformanceRoot, dirName, 'data.yaml'), 'utf8');
    yaml += `${name}:\n${data.split('\n').map((line) => (line ? `  ${line}` : line)).join('\n')}\n`;
    cases.push({ name, template: await readFile(join(conformanceRoot, dirName, 'template.tmpl'), 'utf8') });
  }
  return { cases, yaml };
}

const confd = findBinary('confd', 'confd (no Debian package: build kelseyhightower/confd and put it on PATH)', 'differential test against confd');

describe('ctmpl renders like the real confd', { skip: confd.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeScratchDir('ctmpl-diff-confd-')));
  after(() => cleanup());

  it('renders every conformance template and the generated corpus byte for byte as confd does', async () => {
    const corpus = confdCorpus(SEED, CORPUS_SIZE);
    const conformance = await conformanceBatch();
    const batches: ConfdBatch[] = [conformance];
    for (let i = 0; i < corpus.length; i += BATCH_SIZE) {
      const cases = corpus.slice(i, i + BATCH_SIZE);
      batches.push({ cases, yaml: toYaml(Object.fromEntries(cases.map((c) => [c.name, c.data]))) });
    }
    const result = await renderBatches(confd.path!, dir, batches);
    const templates = new Map(batches.flatMap((b) => b.cases.map((c) => [c.name, c.template] as const)));
    const comparison = compareOutcomes(templates, result.confd, result.ctmpl, WARTS);
    const warts = [...comparison.warts].map(([wart, list]) => `${wart}: ${list.length}`).join(', ') || 'none';
    process.stdout.write(
      `differential confd: ${templates.size} templates (${conformance.cases.length} conformance, ${corpus.length} generated, seed ${SEED}), ` +
        `${comparison.peerFailures} failed in confd, ${comparison.disagreements.length} unexplained disagreements, warts: ${warts}; ` +
        `confd ${result.confdMs} ms, ctmpl ${result.ctmplMs} ms\n`,
    );
    await dumpDisagreements(comparison.disagreements);
    assert.equal(comparison.disagreements.length, 0, describeDisagreements(comparison.disagreements));
  });
});
