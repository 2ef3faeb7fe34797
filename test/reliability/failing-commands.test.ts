import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, runCli, startCli, waitFor } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { recordFigure } from '../support/figures.js';

/** Each case: a check or reload command that fails or hangs; what the destination must hold afterwards. */
const cases = [
  { name: 'a check that fails', check: 'false', reload: '', code: 1, keeps: 'old' },
  { name: 'a check that hangs past the command timeout', check: 'sleep 30', reload: '', code: 1, keeps: 'old' },
  { name: 'a check that hangs in a child it started', check: 'sh -c "sleep 30" ; true', reload: '', code: 1, keeps: 'old' },
  { name: 'a check that is killed by a signal', check: 'kill -9 $$', reload: '', code: 1, keeps: 'old' },
  { name: 'a reload that fails', check: 'test -s {{.src}}', reload: 'exit 3', code: 1, keeps: 'new' },
  { name: 'a reload that hangs past the command timeout', check: '', reload: 'sleep 30', code: 1, keeps: 'new' },
  { name: 'a reload that removes the file it was given', check: '', reload: 'rm -f {{.dest}}.never; exit 1', code: 1, keeps: 'new' },
] as const;

describe('check and reload commands that fail or hang', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  for (const [index, { name, check, reload, code, keeps }] of cases.entries()) {
    it(`keeps the destination whole through ${name} in once mode`, async () => {
      const root = join(dir, `case-${index}`);
      const dest = join(root, 'out', 'app.conf');
      const lines = [`src = "app.tmpl"`, `dest = "${dest}"`, check && `check_cmd = ${JSON.stringify(check)}`, reload && `reload_cmd = ${JSON.stringify(reload)}`];
      await writeConfdir(root, {
        resources: { 'app.toml': `[template]\n${lines.filter(Boolean).join('\n')}\n` },
        templates: { 'app.tmpl': 'value={{ getv "/v" }}\n' },
        files: { 'data.yaml': 'v: new\n', 'out/app.conf': 'value=old\n' },
      });
      const started = Date.now();
      const result = await runCli(['-onetime', '-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml'), '-command-timeout', '1s']);
      assert.equal(result.code, code, result.stderr);
      assert.equal(await readFile(dest, 'utf8'), `value=${keeps}\n`);
      assert.deepEqual(await readdir(join(root, 'out')), ['app.conf'], 'no staged file left');
      assert.ok(Date.now() - started < 20_000, 'a hanging command was cut off');
    });
  }

  it('keeps the last good file in watch mode while a check refuses bad data, then takes good data', async () => {
    const root = join(dir, 'watch');
    const dest = join(root, 'out', 'app.conf');
    const data = join(root, 'data.yaml');
    await writeConfdir(root, {
      resources: { 'app.toml': `[template]\nsrc = "app.tmpl"\ndest = "${dest}"\ncheck_cmd = "grep -q good {{.src}}"\n` },
      templates: { 'app.tmpl': 'value={{ getv "/v" }}\n' },
      files: { 'data.yaml': 'v: good-1\n' },
    });
    const cli = startCli(['-watch', '-confdir', root, '-backend', 'file', '-file', data]);
    let refused = 0;
    try {
      await waitFor(async () => (await readFile(dest, 'utf8').catch(() => '')) === 'value=good-1\n', 'the first good file');
      for (let round = 1; round <= 5; round += 1) {
        await writeFile(data, `v: bad-${round}\n`);
        await waitFor(() => (cli.output().match(/check command/g) ?? []).length >= round, `refusal ${round}`);
        refused += 1;
        assert.equal(await readFile(dest, 'utf8'), 'value=good-1\n');
      }
      await writeFile(data, 'v: good-2\n');
      await waitFor(async () => (await readFile(dest, 'utf8')) === 'value=good-2\n', 'the next good file');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
    assert.deepEqual(await readdir(join(root, 'out')), ['app.conf']);
    recordFigure('failing-commands', 'failing/hanging check and reload cases (destination whole)', cases.length + refused);
  });
});
