import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, runCliInProcess } from '../support/cli.js';
import { startTestConsul, type TestConsul } from '../support/consul-agent.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';

/**
 * confd's own integration suite (test/fixtures/confd-integration): `keys` listing exact keys,
 * `gets` over prefixes, `exists`, rendered by ctmpl on Consul and on etcd, compared with confd's
 * expected files, with each other, and with the real confd on the same Consul.
 */
const layout = fileURLToPath(new URL('../fixtures/confd-integration/', import.meta.url));

/** The data of confd's integration/consul/test.sh, plus a sibling of a listed key. */
const DATA: readonly (readonly [string, string])[] = [
  ['/key', 'foobar'],
  ['/database/host', '127.0.0.1'],
  ['/database/password', 'p@sSw0rd'],
  ['/database/port', '3306'],
  ['/database/username', 'confd'],
  ['/upstream/app1', '10.0.1.10:8080'],
  ['/upstream/app2', '10.0.1.11:8080'],
  ['/nested/east/app1', '10.0.1.10:8080'],
  ['/nested/west/app2', '10.0.1.11:8080'],
  ['/prefix/database/host', '127.0.0.1'],
  ['/prefix/upstream/app1', '10.0.1.10:8080'],
  ['/database/hostname', 'db.example.com'],
];

/** The outputs each resource must match, from confd's integration/expect/check.sh. */
const EXPECTED: Readonly<Record<string, string>> = {
  'confd-basic-test.conf': 'basic.conf',
  'confd-exists-test.conf': 'exists-test.conf',
  'confd-iteration-test.conf': 'iteration.conf',
  'confd-manykeys-test.conf': 'basic.conf',
};

// confd's Consul backend lists each of `keys` as a string prefix, so a sibling of a listed key is
// readable there; its etcd backend keeps only the key and its children.
const SIBLING_RESOURCE = '[template]\nsrc = "sibling.tmpl"\ndest = "OUT/sibling.conf"\nkeys = ["/database/host"]\n';
const SIBLING_TEMPLATE = 'hostname={{getv "/database/hostname" "absent"}}\n';

/** Copies the layout into `dir`, every `dest` pointed into `dir/out`; returns the out dir. */
async function writeLayout(dir: string): Promise<string> {
  const out = join(dir, 'out');
  await mkdir(out, { recursive: true });
  await cp(join(layout, 'confdir'), dir, { recursive: true });
  for (const name of await readdir(join(dir, 'conf.d'))) {
    const path = join(dir, 'conf.d', name);
    await writeFile(path, (await readFile(path, 'utf8')).replace(/dest = "\/tmp\//, `dest = "${out}/`));
  }
  await writeFile(join(dir, 'conf.d', 'sibling.toml'), SIBLING_RESOURCE.replace('OUT', out));
  await writeFile(join(dir, 'templates', 'sibling.tmpl'), SIBLING_TEMPLATE);
  return out;
}

async function readOutputs(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(out)).sort()) files[name] = await readFile(join(out, name), 'utf8');
  return files;
}

async function renderWithCtmpl(dir: string, backendArgs: readonly string[]): Promise<Record<string, string>> {
  const out = await writeLayout(dir);
  const result = await runCliInProcess(['-onetime', '-confdir', dir, ...backendArgs], { cwd: dir, env: { HOSTNAME: 'localhost' } });
  assert.equal(result.code, 0, result.stderr);
  return readOutputs(out);
}

async function assertMatchesExpect(outputs: Record<string, string>): Promise<void> {
  for (const [file, expect] of Object.entries(EXPECTED)) {
    assert.equal(outputs[file], await readFile(join(layout, 'expect', expect), 'utf8'), file);
  }
  assert.ok(outputs['confd-nested-test.conf']?.startsWith('upstream app {'), 'nested rendered');
}

describe('confd’s integration layout on Consul and on etcd', () => {
  const { skip: skipEtcd } = findBinary('etcd', 'etcd-server', 'confd integration layout on etcd');
  let dir: string;
  let cleanup: () => Promise<void>;
  let consul: TestConsul;
  let etcd: EtcdServer | undefined;
  let onConsul: Record<string, string>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    consul = await startTestConsul('confd integration layout on Consul');
    for (const [key, value] of DATA) await consul.putKey(key, value);
    if (!skipEtcd) {
      etcd = await startEtcd();
      for (const [key, value] of DATA) await etcd.put(key, value);
    }
  });
  after(async () => {
    await consul?.close();
    await etcd?.close();
    await cleanup();
  });

  it('renders confd’s expected files on Consul, reading each listed key itself', async () => {
    onConsul = await renderWithCtmpl(join(dir, 'consul'), ['-backend', 'consul', '-node', `127.0.0.1:${consul.port}`]);
    await assertMatchesExpect(onConsul);
    assert.equal(onConsul['sibling.conf'], 'hostname=db.example.com\n', 'a sibling of a listed key, as confd lists it');
  });

  it('renders the same files on etcd, where a listed key has no siblings', { skip: skipEtcd }, async () => {
    const onEtcd = await renderWithCtmpl(join(dir, 'etcd'), ['-backend', 'etcd', '-node', etcd!.url]);
    await assertMatchesExpect(onEtcd);
    assert.deepEqual({ ...onEtcd, 'sibling.conf': undefined }, { ...onConsul, 'sibling.conf': undefined });
    assert.equal(onEtcd['sibling.conf'], 'hostname=absent\n');
  });

  const { path: confd, skip: skipConfd } = findBinary('confd', 'confd', 'confd integration layout, real confd', 'build it from kelseyhightower/confd (Debian has no package)');
  it('writes the same bytes as the real confd on the same Consul', { skip: skipConfd }, async () => {
    const confdDir = join(dir, 'confd');
    const out = await writeLayout(confdDir);
    await promisify(execFile)(confd!, ['-onetime', '-backend', 'consul', '-node', `127.0.0.1:${consul.port}`, '-confdir', confdDir], {
      env: { PATH: process.env.PATH, HOSTNAME: 'localhost' },
    });
    assert.deepEqual(await readOutputs(out), onConsul);
    assert.equal(await readIfExists(join(out, 'sibling.conf')), 'hostname=db.example.com\n');
  });
});
