import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { badInputCases, type BadInputCase } from './bad-input-cases.js';
import { recordFigure } from '../support/figures.js';

const usageHint = 'Run "ctmpl -help" for usage.';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Runs one case in its own directory; returns its result and what it left under out/. */
async function runCase(badCase: BadInputCase, port: number) {
  const dir = await mkdtemp(join(tmpdir(), 'ctmpl-bad-'));
  try {
    for (const [path, text] of Object.entries(badCase.files ?? {})) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await mkdir(join(dir, 'out'), { recursive: true });
    const fill = (text: string) => text.replaceAll('{dir}', dir).replaceAll('{port}', String(port));
    const result = await runCli(badCase.args.map(fill), { cwd: dir, timeoutMs: 60_000 });
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && line !== usageHint);
    const expected = new RegExp(badCase.line.source.replaceAll('\\{port\\}', String(port)).replaceAll('{dir}', escapeRegExp(dir)));
    return { result, lines, expected, written: await readdir(join(dir, 'out')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('a corpus of bad inputs', { concurrency: 4 }, () => {
  let port: number;
  const started = Date.now();
  before(async () => (port = await freePort()));
  after(() => {
    recordFigure('bad-input', 'bad-input cases (exit code, one line, nothing written)', badInputCases.length);
    recordFigure('bad-input', 'bad-input corpus run time (s)', ((Date.now() - started) / 1000).toFixed(1));
  });

  it('holds at least 60 cases with distinct names', () => {
    assert.ok(badInputCases.length >= 60, `${badInputCases.length} cases`);
    assert.equal(new Set(badInputCases.map((badCase) => badCase.name)).size, badInputCases.length);
  });

  // Four at a time: each case is one ctmpl process, most of their time is start-up.
  for (const [index, badCase] of badInputCases.entries()) {
    it(`refuses ${badCase.name.replace(': ', ' input, ')} with exit ${badCase.code}, one line naming where, and writes nothing`, async () => {
      const { result, lines, expected, written } = await runCase(badCase, port);
      const shown = `case ${index}, stderr:\n${result.stderr}`;
      assert.equal(result.code, badCase.code, shown);
      assert.equal(lines.length, 1, shown);
      assert.match(lines[0]!, expected, shown);
      assert.doesNotMatch(result.stderr, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace: ${shown}`);
      assert.deepEqual(written, [], `left files in out/: ${shown}`);
      assert.equal(result.stdout, '', shown);
    });
  }
});
