import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, runCli, startCli, waitFor } from '../support/cli.js';
import { readDestination } from '../../src/runner/writer.js';

describe('destinations that are not regular files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await writeFile(join(dir, 'g.tmpl'), 'v={{ key "app/x" }}\n');
    await writeFile(join(dir, 'data.yaml'), 'app:\n  x: 1\n');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await mkdir(join(dir, 'a-directory'));
  });
  after(() => cleanup());

  const refused = [
    { name: 'a character device that never ends', dest: () => '/dev/zero', kind: 'a character device' },
    { name: 'a FIFO nobody writes to', dest: () => join(dir, 'fifo'), kind: 'a FIFO' },
    { name: 'a directory', dest: () => join(dir, 'a-directory'), kind: 'a directory' },
  ];
  for (const { name, dest, kind } of refused) {
    it(`refuses ${name} in once mode with one line naming it`, async () => {
      const result = await runCli(['-onetime', '-backend', 'file', '-file', join(dir, 'data.yaml'), '-template', `${join(dir, 'g.tmpl')}:${dest()}`], { timeoutMs: 20_000 });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`${dest().replaceAll('/', '\\/')}: destination is ${kind}, not a regular file`));
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('keeps answering SIGTERM in watch mode while its destination is a FIFO', async () => {
    const cli = startCli(['-backend', 'file', '-file', join(dir, 'data.yaml'), '-template', `${join(dir, 'g.tmpl')}:${join(dir, 'fifo')}`]);
    await waitFor(() => /destination is a FIFO/.test(cli.output()), 'the refusal to be logged');
    assert.equal(await cli.stop(), 0, cli.output());
  });

  it('does not read a regular file whose size already differs, and reads at most size+1 bytes otherwise', async () => {
    const path = join(dir, 'regular.conf');
    await writeFile(path, 'abc');
    assert.equal((await readDestination(path, { compareSize: 4 })).content, undefined);
    assert.equal((await readDestination(path, { compareSize: 4 })).size, 3);
    assert.equal((await readDestination(path, { compareSize: 3 })).content?.toString(), 'abc');
    assert.equal((await readDestination(path)).content?.toString(), 'abc');
  });
});
