import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../support/cli.js';
import { commitFile, discardStaged, planWrite, readDestination, stageFile } from '../../src/runner/writer.js';

describe('the writer', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('plans a new file with mode 0644 and nothing to write for identical content', async () => {
    const dest = join(dir, 'plan.conf');
    const fresh = planWrite(await readDestination(dest), 'a\n', {});
    assert.equal(fresh.mode, 0o644);
    assert.equal(fresh.wouldRender, true);
    await writeFile(dest, 'a\n');
    await chmod(dest, 0o600);
    const same = planWrite(await readDestination(dest), 'a\n', {});
    assert.equal(same.wouldRender, false);
    assert.equal(same.mode, 0o600, 'keeps the existing mode');
    const modeOnly = planWrite(await readDestination(dest), 'a\n', { mode: 0o640 });
    assert.deepEqual([modeOnly.contentChanged, modeOnly.permissionsChanged], [false, true]);
  });

  it('stages beside the destination and commits atomically, leaving no temp file', async () => {
    const dest = join(dir, 'sub', 'atomic.conf');
    const plan = planWrite(await readDestination(dest), 'hello\n', { mode: 0o640 });
    const staged = await stageFile(plan);
    assert.equal((await stat(staged)).mode & 0o777, 0o640);
    assert.equal(await readFile(staged, 'utf8'), 'hello\n');
    await commitFile(staged, plan);
    assert.equal(await readFile(dest, 'utf8'), 'hello\n');
    assert.deepEqual(await readdir(join(dir, 'sub')), ['atomic.conf']);
  });

  it('keeps a .bak copy when asked and discards a staged file that will not be used', async () => {
    const dest = join(dir, 'backup.conf');
    await writeFile(dest, 'old\n');
    const plan = planWrite(await readDestination(dest), 'new\n', {});
    await commitFile(await stageFile(plan), plan, { backup: true });
    assert.equal(await readFile(`${dest}.bak`, 'utf8'), 'old\n');
    const unused = await stageFile(planWrite(await readDestination(dest), 'never\n', {}));
    await discardStaged(unused);
    assert.deepEqual((await readdir(dir)).filter((name) => name.includes('ctmpl-')), []);
  });
});
