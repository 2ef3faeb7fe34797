import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, runInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';

const resources = {
  'a.toml': '[template]\nsrc = "a.tmpl"\ndest = "a.conf"\nmode = "0644"\n',
  'b.toml': '[template]\nsrc = "b.tmpl"\ndest = "b.conf"\n',
};
const templates = { 'a.tmpl': 'port {{getv "/app/port"}}\n', 'b.tmpl': 'name {{getv "/app/name"}}\n' };

/** The gate's cases: what is on disk before the dry run, and what it must answer. */
const cases: { name: string; onDisk: Record<string, string>; mode?: number; code: number; summary: RegExp; diff?: RegExp }[] = [
  { name: 'exits 2 with the diff when a file is new', onDisk: { 'b.conf': 'name shop\n' }, code: 2, summary: /^1 file would change, 1 unchanged$/m, diff: /^\+port 8080$/m },
  { name: 'exits 2 with the diff when content changed', onDisk: { 'a.conf': 'port 80\n', 'b.conf': 'name shop\n' }, code: 2, summary: /^1 file would change, 1 unchanged$/m, diff: /^-port 80\n\+port 8080$/m },
  { name: 'exits 2 when only the mode would change', onDisk: { 'a.conf': 'port 8080\n', 'b.conf': 'name shop\n' }, mode: 0o600, code: 2, summary: /^1 file would change, 1 unchanged$/m, diff: /mode 0600 → 0644/ },
  { name: 'exits 0 when nothing would change', onDisk: { 'a.conf': 'port 8080\n', 'b.conf': 'name shop\n' }, code: 0, summary: /^0 files would change, 2 unchanged$/m },
];

describe('the dry-run gate (-noop -exit-code)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  async function confdirWith(onDisk: Record<string, string>, mode?: number): Promise<string> {
    const root = join(dir, `case-${++counter}`);
    await writeConfdir(root, { resources, templates, files: { ...onDisk, 'data.yaml': 'app:\n  port: 8080\n  name: shop\n' } });
    if (mode !== undefined) await chmod(join(root, 'a.conf'), mode);
    return root;
  }

  for (const { name, onDisk, mode, code, summary, diff } of cases) {
    it(`${name} on the file backend, writing nothing`, async () => {
      const root = await confdirWith(onDisk, mode);
      const result = await runInProcess(['-noop', '-exit-code', '-confdir', root, '-file', join(root, 'data.yaml')], { cwd: root });
      assert.equal(result.code, code, result.stderr);
      assert.match(result.stderr, summary);
      if (diff) assert.match(result.stdout, diff);
      else assert.equal(result.stdout, '');
      assert.equal(await readIfExists(join(root, 'a.conf')), onDisk['a.conf']);
    });
  }

  it('exits 1, not 2, when a template fails while another would change', async () => {
    const root = await confdirWith({});
    await writeFile(join(root, 'templates', 'b.tmpl'), '{{getv "/app/missing"}}\n');
    const result = await runInProcess(['-dry', '-exit-code', '-confdir', root, '-file', join(root, 'data.yaml')], { cwd: root });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /\/app\/missing/);
  });

  it('refuses -exit-code without -noop', async () => {
    const root = await confdirWith({});
    const result = await runInProcess(['-onetime', '-exit-code', '-confdir', root, '-file', join(root, 'data.yaml')], { cwd: root });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /-exit-code needs -noop/);
    assert.equal(await readIfExists(join(root, 'a.conf')), undefined);
  });

  it('reads -noop and -exit-code from CONFD_NOOP and CONFD_EXIT_CODE', async () => {
    const root = await confdirWith({});
    const result = await runInProcess(['-confdir', root, '-file', join(root, 'data.yaml')], { cwd: root, env: { CONFD_NOOP: 'true', CONFD_EXIT_CODE: 'true' } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^2 files would change, 0 unchanged$/m);
  });
});

const etcdBinary = findBinary('etcd', 'etcd-server', 'dry-run gate on etcd');

describe('the dry-run gate on etcd', { skip: etcdBinary.skip }, () => {
  let etcd: EtcdServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    etcd = await startEtcd();
    await etcd.put('/app/port', '8080');
    await etcd.put('/app/name', 'shop');
  });
  after(async () => {
    await etcd?.close();
    await cleanup();
  });

  it('exits 2 with the diff after a key changed and 0 once the files match', async () => {
    const root = join(dir, 'etcd');
    await writeConfdir(root, { resources, templates, files: { 'a.conf': 'port 8080\n', 'b.conf': 'name shop\n' } });
    const argv = ['-noop', '-exit-code', '-backend', 'etcd', '-node', etcd.url, '-confdir', root];
    const unchanged = await runInProcess(argv, { cwd: root });
    assert.equal(unchanged.code, 0, unchanged.stderr);
    assert.match(unchanged.stderr, /^0 files would change, 2 unchanged$/m);
    await etcd.put('/app/port', '9090');
    const changed = await runInProcess(argv, { cwd: root });
    assert.equal(changed.code, 2, changed.stderr);
    assert.match(changed.stdout, /^-port 8080\n\+port 9090$/m);
    assert.match(changed.stderr, /^1 file would change, 1 unchanged$/m);
    assert.equal(await readIfExists(join(root, 'a.conf')), 'port 8080\n');
  });
});
