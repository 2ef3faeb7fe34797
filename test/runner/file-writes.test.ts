import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { performFileWrite } from '../../src/runner/file-writes.js';
import { compileTemplate } from '../../src/template/render.js';
import type { FileWrite } from '../../src/types/effects.js';
import { makeTempDir, removeTempDir } from '../support/server-process.js';

/**
 * `writeToFile` (consul-template 0.27, with 0.42.1's symlink refusal): the function records its
 * writes (rendering stays pure), the runner performs them after a complete render.
 */

const isRoot = process.getuid?.() === 0;

async function recordedWrites(text: string): Promise<readonly FileWrite[]> {
  const template = await compileTemplate({ name: 't', text, dialect: 'go', flavor: 'consul-template' });
  return template.render(new Map(), { env: {}, prefix: '/', denylist: [] }).fileWrites;
}

const write = (path: string, extra: Partial<FileWrite> = {}): FileWrite => ({ path, owner: '', group: '', mode: 0o644, append: false, content: 'x', ...extra });

describe('writeToFile records its writes', () => {
  const cases = [
    { name: 'the content is the last argument', text: '{{ writeToFile "/a" "" "" "0640" "hello" }}', want: [write('/a', { mode: 0o640, content: 'hello' })] },
    { name: 'piped content, owner and group kept as given', text: '{{ "v" | writeToFile "/a" "app" "1000" "600" }}', want: [write('/a', { owner: 'app', group: '1000', mode: 0o600, content: 'v' })] },
    { name: 'append and newline flags', text: '{{ "v" | writeToFile "/a" "" "" "0644" "append,newline" }}', want: [write('/a', { append: true, content: 'v\n' })] },
    { name: 'flags are read only with exactly two trailing arguments', text: '{{ writeToFile "/a" "" "" "0644" "append" "newline" "c" }}', want: [write('/a', { content: 'c' })] },
    { name: 'calls in template order; the function prints nothing', text: '[{{ writeToFile "/a" "" "" "0644" "1" }}{{ writeToFile "/b" "" "" "0644" "2" }}]', want: [write('/a', { content: '1' }), write('/b', { content: '2' })] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(await recordedWrites(c.text), c.want);
    });
  }

  const errors = [
    { name: 'permissions that are not octal', text: '{{ writeToFile "/a" "" "" "0689" "c" }}', want: /error calling writeToFile: strconv\.ParseUint: parsing "0689": invalid syntax/ },
    { name: 'permissions beyond 32 bits', text: '{{ writeToFile "/a" "" "" "77777777777777" "c" }}', want: /strconv\.ParseUint: parsing "77777777777777": value out of range/ },
    { name: 'no content', text: '{{ writeToFile "/a" "" "" "0644" }}', want: /error calling writeToFile: runtime error: index out of range \[-1\]/ },
  ];
  for (const c of errors) {
    it(`fails on ${c.name}`, async () => {
      await assert.rejects(recordedWrites(c.text), c.want);
    });
  }

  it('records nothing for a render still waiting for data', async () => {
    assert.deepEqual(await recordedWrites('{{ key "app/x" | writeToFile "/a" "" "" "0644" }}'), []);
  });
});

describe('performing a write', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempDir('write-to-file');
  });
  after(async () => removeTempDir(dir));

  const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

  it('creates the file and its parent directories with the mode, whatever the umask', async () => {
    const path = join(dir, 'new/deep/file.txt');
    await performFileWrite(write(path, { mode: 0o666, content: 'one' }));
    assert.equal(await readFile(path, 'utf8'), 'one');
    assert.equal(await modeOf(path), 0o666);
  });

  it('truncates, or appends with the append flag, and re-applies the mode to an existing file', async () => {
    const path = join(dir, 'log.txt');
    await performFileWrite(write(path, { content: 'first\n' }));
    await performFileWrite(write(path, { content: 'second\n', append: true, mode: 0o600 }));
    assert.equal(await readFile(path, 'utf8'), 'first\nsecond\n');
    assert.equal(await modeOf(path), 0o600);
    await performFileWrite(write(path, { content: 'third\n' }));
    assert.equal(await readFile(path, 'utf8'), 'third\n');
  });

  it('refuses a symlink at the path, leaving its target alone', async () => {
    const target = join(dir, 'target.txt');
    const link = join(dir, 'link.txt');
    await writeFile(target, 'keep');
    await symlink(target, link);
    await assert.rejects(performFileWrite(write(link)), { message: `writeToFile: refusing to write to symlink "${link}"` });
    assert.equal(await readFile(target, 'utf8'), 'keep');
    assert.equal(await readlink(link), target);
  });

  it('refuses a symlinked parent directory', async () => {
    const real = join(dir, 'real-dir');
    const linked = join(dir, 'linked-dir');
    await mkdir(real);
    await symlink(real, linked);
    const path = join(linked, 'cert.key');
    await assert.rejects(performFileWrite(write(path)), { message: `writeToFile: refusing to write through symlinked directory in path "${path}"` });
    await assert.rejects(lstat(join(real, 'cert.key')), { code: 'ENOENT' });
  });

  it('says what the system said when it cannot open the file, as Go words it', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path);
    await assert.rejects(performFileWrite(write(path)), { message: `open ${path}: is a directory` });
  });

  it('fails on an unknown user or group name that is not a number either', async () => {
    await assert.rejects(performFileWrite(write(join(dir, 'u.txt'), { owner: 'no-such-user-here' })), { message: 'user: unknown user no-such-user-here' });
    await assert.rejects(performFileWrite(write(join(dir, 'g.txt'), { group: 'no-such-group-here' })), { message: 'group: unknown group no-such-group-here' });
  });

  it('sets owner and group by name or by id', { skip: isRoot ? false : 'changing a file’s owner needs root' }, async () => {
    const byName = join(dir, 'by-name.txt');
    await performFileWrite(write(byName, { owner: 'daemon', group: 'daemon' }));
    assert.deepEqual([(await stat(byName)).uid, (await stat(byName)).gid], [1, 1]);
    const byId = join(dir, 'by-id.txt');
    await performFileWrite(write(byId, { owner: '4242', group: '4343' }));
    assert.deepEqual([(await stat(byId)).uid, (await stat(byId)).gid], [4242, 4343]);
    const ownerOnly = join(dir, 'owner-only.txt');
    await performFileWrite(write(ownerOnly, { owner: '4242' }));
    assert.deepEqual([(await stat(ownerOnly)).uid, (await stat(ownerOnly)).gid], [4242, process.getgid!()], 'an empty group is the current one');
  });
});

describe('writeToFile in a run', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempDir('write-to-file-run');
  });
  after(async () => removeTempDir(dir));

  async function once(args: readonly string[]): Promise<{ code: number; stderr: string; stdout: string }> {
    let stderr = '';
    let stdout = '';
    const code = await run(['-once', '-backend', 'env', '-log-level', 'info', ...args], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { GREETING: 'hello' },
      cwd: dir,
      signal: new AbortController().signal,
    });
    return { code, stderr, stdout };
  }

  it('writes beside the destination on every complete render; a dry run only says so', async () => {
    const side = join(dir, 'side/greeting.log');
    const src = join(dir, 'a.tmpl');
    const dest = join(dir, 'a.out');
    await writeFile(src, `{{ env "GREETING" | writeToFile "${side}" "" "" "0640" "append,newline" }}done\n`);
    for (let i = 0; i < 2; i++) assert.equal((await once(['-template', `${src}:${dest}`])).code, 0);
    assert.equal(await readFile(side, 'utf8'), 'hello\nhello\n');
    assert.equal(await modeOf(side), 0o640);
    assert.equal(await readFile(dest, 'utf8'), 'done\n');
    const dry = await once(['-dry', '-template', `${src}:${join(dir, 'dry.out')}`]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /writeToFile would append to \S+greeting\.log \(6 bytes, mode 0640\) \(dry run\)/);
    assert.equal(await readFile(side, 'utf8'), 'hello\nhello\n');
  });

  it('a refused write fails its template with one line naming both files, and the destination is not written', async () => {
    const link = join(dir, 'evil.txt');
    await symlink('/etc/hostname', link);
    const src = join(dir, 'b.tmpl');
    const dest = join(dir, 'b.out');
    await writeFile(src, `{{ writeToFile "${link}" "" "" "0644" "x" }}body`);
    const outcome = await once(['-template', `${src}:${dest}`]);
    assert.notEqual(outcome.code, 0);
    const errorLines = outcome.stderr.split('\n').filter((line) => line.includes('refusing'));
    assert.equal(errorLines.length, 1, outcome.stderr);
    assert.ok(errorLines[0]!.includes(`${dest}: writeToFile ${link}: writeToFile: refusing to write to symlink "${link}"`), errorLines[0]);
    await assert.rejects(lstat(dest), { code: 'ENOENT' });
  });

  async function modeOf(path: string): Promise<number> {
    return (await stat(path)).mode & 0o7777;
  }
});
