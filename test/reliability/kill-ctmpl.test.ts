import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, startCli, waitFor, type RunningCli } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { recordFigure } from '../support/figures.js';
import { pace, randomBetween, readContinuously, replaceFile, versionTemplate } from './support.js';

const changes = 1000;
const stagedName = /\.ctmpl-/;

describe('ctmpl killed with SIGKILL at random moments during 1 000 rapid changes', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('never leaves a torn or older file, and the next start removes what a kill left', async () => {
    const out = join(dir, 'out');
    const dest = join(out, 'app.conf');
    const data = join(dir, 'data.yaml');
    await writeConfdir(dir, {
      resources: { 'app.toml': `[template]\nsrc = "app.tmpl"\ndest = "${dest}"\ncheck_cmd = "test -s {{.src}}"\n` },
      templates: { 'app.tmpl': versionTemplate('getv "/v"') },
      files: { 'out/.keep-dir': '' },
    });
    await replaceFile(data, 'v: 0\n');
    const args = ['-watch', '-confdir', dir, '-backend', 'file', '-file', data];
    let isWriting = true;
    let isReading = true;
    const reader = readContinuously(dest, () => isReading);
    let kills = 0;
    let mostLeftovers = 0;
    let cli: RunningCli = startCli(args, { cwd: dir });
    const killer = (async () => {
      while (isWriting) {
        // Each instance is killed at a random moment after it began writing, so kills land mid-pass.
        await waitFor(() => /\(runner\) \S+: (created|updated)/.test(cli.output()), 'a write by this instance', 60_000);
        await pace(randomBetween(0, 250));
        cli.child.kill('SIGKILL');
        await new Promise((resolve) => (cli.child.exitCode !== null || cli.child.signalCode !== null ? resolve(null) : cli.child.once('exit', resolve)));
        kills += 1;
        mostLeftovers = Math.max(mostLeftovers, (await readdir(out)).filter((name) => stagedName.test(name)).length);
        cli = startCli(args, { cwd: dir });
      }
    })();
    for (let version = 1; version <= changes; version += 1) {
      await replaceFile(data, `v: ${version}\n`);
      await pace(5);
    }
    isWriting = false;
    await killer;
    try {
      await waitFor(async () => (await readIfExists(dest))?.startsWith(`begin ${changes}\n`), `version ${changes} in the file`, 60_000);
      isReading = false;
      const seen = await reader;
      assert.deepEqual(seen.torn, [], 'torn reads');
      assert.deepEqual(seen.backwards, [], 'versions that went backwards');
      await waitFor(async () => (await readdir(out)).filter((name) => stagedName.test(name)).length === 0, 'the stale staged files to be removed', 10_000);
      recordFigure('kill-ctmpl', 'ctmpl SIGKILLs during 1 000 changes', kills);
      recordFigure('kill-ctmpl', 'destination reads checked (torn: 0, older: 0)', seen.reads);
      recordFigure('kill-ctmpl', 'most staged files left by one kill (all removed at next start)', mostLeftovers);
    } finally {
      isReading = false;
      await cli.stop();
    }
    assert.deepEqual((await readdir(out)).filter((name) => name !== '.keep-dir'), ['app.conf'], 'only the destination is left after the last exit');
  });
});
