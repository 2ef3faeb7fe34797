import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { makeTempDir } from '../support/cli.js';
import { commitFile, discardStaged, planWrite, readDestination, removeStaleStaged, stageFile } from '../../src/runner/writer.js';

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

  it('gives each staged file of one process its own name', async () => {
    const dest = join(dir, 'names.conf');
    const plan = planWrite(await readDestination(dest), 'x\n', {});
    const staged = [await stageFile(plan), await stageFile(plan), await stageFile(plan)];
    for (const path of staged) assert.match(basename(path), new RegExp(`^\\.names\\.conf\\.ctmpl-${process.pid}-[0-9a-f]{8}$`));
    assert.equal(new Set(staged).size, 3);
    for (const path of staged) await discardStaged(path);
  });

  it('makes the folder again when it went away after the destination was read', async () => {
    const dest = join(dir, 'gone', 'app.conf');
    await mkdir(join(dir, 'gone'));
    await writeFile(dest, 'old\n');
    const plan = planWrite(await readDestination(dest), 'new\n', {});
    await rm(join(dir, 'gone'), { recursive: true });
    await commitFile(await stageFile(plan), plan);
    assert.equal(await readFile(dest, 'utf8'), 'new\n');
  });
});

describe('staged files a killed ctmpl left behind', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('stages under a name that carries this process id', async () => {
    const dest = join(dir, 'named.conf');
    const staged = await stageFile(planWrite(await readDestination(dest), 'x', {}));
    assert.match(basename(staged), new RegExp(`^\\.named\\.conf\\.ctmpl-${process.pid}-[0-9a-f]{8}$`));
    await discardStaged(staged);
  });

  it('removes ours of dead processes and old-style ones, and keeps live ones and other files', async () => {
    const deadPid = await exitedPid();
    const cases = [
      { name: `.app.conf.ctmpl-${deadPid}-0badc0de`, isRemoved: true },
      { name: '.app.conf.ctmpl-deadbeef', isRemoved: true },
      { name: `.app.conf.ctmpl-${process.pid}-12345678`, isRemoved: true },
      { name: `.app.conf.ctmpl-${process.ppid}-12345678`, isRemoved: false },
      { name: `.other.conf.ctmpl-${deadPid}-0badc0de`, isRemoved: false },
      { name: '.app.conf.ctmpl-notours', isRemoved: false },
      { name: 'app.conf', isRemoved: false },
    ];
    for (const { name } of cases) await writeFile(join(dir, name), 'secret');
    const removed = await removeStaleStaged([join(dir, 'app.conf'), join(dir, 'missing-dir', 'x.conf')]);
    const left = new Set(await readdir(dir));
    for (const { name, isRemoved } of cases) assert.equal(!left.has(name), isRemoved, name);
    assert.equal(removed.length, cases.filter((c) => c.isRemoved).length);
  });

  it('keeps a file this process is staging right now', async () => {
    const dest = join(dir, 'busy.conf');
    const staged = await stageFile(planWrite(await readDestination(dest), 'x', {}));
    assert.deepEqual(await removeStaleStaged([dest]), []);
    await discardStaged(staged);
  });

  it('removes the staged file a writer killed with SIGKILL left behind', async () => {
    const dest = join(dir, 'killed.conf');
    const script = `import { stageFile, planWrite, readDestination } from ${JSON.stringify(writerUrl)};
      await stageFile(planWrite(await readDestination(${JSON.stringify(dest)}), 'half', {}));
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, [...loaderFlags, '--input-type=module', '-e', script]);
    assert.equal(child.signal, 'SIGKILL', String(child.stderr));
    assert.equal((await readdir(dir)).filter((name) => name.startsWith('.killed.conf.ctmpl-')).length, 1);
    await removeStaleStaged([dest]);
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('.killed.conf.')), []);
  });
});

// The writer as this file was loaded: its TypeScript source under tsx, or compiled beside it in .test-build/.
const isTypeScript = import.meta.url.endsWith('.ts');
const writerUrl = new URL(`../../src/runner/writer.${isTypeScript ? 'ts' : 'js'}`, import.meta.url).href;
const loaderFlags = isTypeScript ? ['--import', 'tsx'] : [];

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolveExit) => child.on('exit', resolveExit));
  return child.pid!;
}
