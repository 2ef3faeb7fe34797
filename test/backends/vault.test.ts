import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../src/cli.js';
import { findBinary } from '../support/binaries.js';
import { makeTempDir } from '../support/cli.js';
import { integrationExpected, writeIntegrationConfdir } from '../support/confd-integration-layout.js';
import { findVault, startVault, type VaultServer } from '../support/vault-server.js';

/**
 * confd's vault backend on a real Vault: confd's integration layout (basic, exists, iteration,
 * manykeys) with token, app-role, userpass and app-id auth, compared with confd's expected files and, when the
 * real confd is on PATH, with what it writes from the same Vault. Vault 1.7 refuses writes at
 * a mount's root (confd's script writes `key` and `upstream` there), so the data lives in one
 * KV v1 mount `kv/` and both tools run with `-prefix /kv`.
 */

const vault = findVault('vault backend');
const SECRET_ID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-/;

interface Outcome {
  readonly code: number;
  readonly stderr: string;
}

async function runCtmpl(argv: readonly string[], cwd: string): Promise<Outcome> {
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: cwd, HOSTNAME: 'localhost' },
    cwd,
    signal: new AbortController().signal,
  });
  return { code, stderr };
}

async function loadIntegrationData(server: VaultServer): Promise<{ roleId: string; secretId: string }> {
  await server.reset();
  const writes: [string, string][] = [
    ['kv/key', '{"value":"foobar"}'],
    ['kv/database/host', '{"value":"127.0.0.1"}'],
    ['kv/database/port', '{"value":"3306"}'],
    ['kv/database/username', '{"value":"confd"}'],
    ['kv/database/password', '{"value":"p@sSw0rd"}'],
    ['kv/upstream', '{"app1":"10.0.1.10:8080","app2":"10.0.1.11:8080"}'],
  ];
  for (const [path, body] of writes) await server.must('POST', path, body);
  await server.call('POST', 'sys/auth/test', '{"type":"approle"}');
  await server.must('PUT', 'sys/policies/acl/read-all', JSON.stringify({ policy: 'path "*" { capabilities = ["read", "list"] }' }));
  await server.must('POST', 'auth/test/role/my-role', '{"token_ttl":"60m","token_max_ttl":"120m","token_policies":["read-all"]}');
  await server.call('POST', 'sys/auth/userpass', '{"type":"userpass"}');
  await server.must('POST', 'auth/userpass/users/bob', '{"password":"pw-s3cret","token_policies":["read-all"]}');
  await server.call('POST', 'sys/auth/app-id', '{"type":"app-id"}');
  await server.must('POST', 'auth/app-id/map/app-id/ctmpl-app', '{"value":"read-all"}');
  await server.must('POST', 'auth/app-id/map/user-id/ctmpl-user', '{"value":"ctmpl-app"}');
  const roleId = (await server.must('GET', 'auth/test/role/my-role/role-id')).body as ReadonlyMap<string, unknown>;
  const secretId = (await server.must('POST', 'auth/test/role/my-role/secret-id', '{}')).body as ReadonlyMap<string, unknown>;
  const field = (answer: ReadonlyMap<string, unknown>, name: string) => (answer.get('data') as ReadonlyMap<string, unknown>).get(name) as string;
  return { roleId: field(roleId, 'role_id'), secretId: field(secretId, 'secret_id') };
}

async function readOutputs(outDir: string): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  for (const name of Object.keys(integrationExpected)) outputs[name] = await readFile(join(outDir, name), 'utf8');
  return outputs;
}

describe('the vault backend (confd) on a real Vault', { skip: vault.skip }, () => {
  let server: VaultServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  let credentials: { roleId: string; secretId: string };
  before(async () => {
    server = await startVault(vault.path);
    ({ dir, cleanup } = await makeTempDir('ctmpl-vault-backend-'));
    credentials = await loadIntegrationData(server);
  });
  after(async () => {
    await server?.close();
    await cleanup?.();
  });

  const authCases = [
    { name: 'token', flags: () => ['-auth-type', 'token', '-auth-token', 'root'] },
    { name: 'app-role', flags: () => ['-auth-type', 'app-role', '-role-id', credentials.roleId, '-secret-id', credentials.secretId, '-path', 'test'] },
    { name: 'userpass', flags: () => ['-auth-type', 'userpass', '-username', 'bob', '-password', 'pw-s3cret'] },
    { name: 'app-id', flags: () => ['-auth-type', 'app-id', '-app-id', 'ctmpl-app', '-user-id', 'ctmpl-user'] },
  ];

  for (const auth of authCases) {
    it(`renders confd's integration layout with ${auth.name} auth as confd expects`, async () => {
      const root = join(dir, `ctmpl-${auth.name}`);
      await writeIntegrationConfdir(root, join(root, 'out'));
      const outcome = await runCtmpl(['-onetime', '-backend', 'vault', '-node', server.address, ...auth.flags(), '-prefix', '/kv', '-confdir', root], root);
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.deepEqual(await readOutputs(join(root, 'out')), integrationExpected);
      assert.doesNotMatch(outcome.stderr, SECRET_ID_PATTERN, 'no role or secret id in the log');
      assert.doesNotMatch(outcome.stderr, /pw-s3cret/, 'no password in the log');
    });
  }

  it('serves `secret` in a confd template from the same Vault, with the same token', async () => {
    const root = join(dir, 'secret-in-confd');
    await mkdir(join(root, 'conf.d'), { recursive: true });
    await mkdir(join(root, 'templates'), { recursive: true });
    await writeFile(join(root, 'conf.d', 't.toml'), '[template]\nsrc = "t.tmpl"\ndest = "out"\nkeys = ["/kv/database"]\n');
    await writeFile(join(root, 'templates', 't.tmpl'), '{{getv "/kv/database/host"}} {{with secret "kv/key"}}{{.Data.value}}{{end}}');
    const outcome = await runCtmpl(['-onetime', '-backend', 'vault', '-node', server.address, '-auth-type', 'token', '-auth-token', 'root', '-confdir', root], root);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(await readFile(join(root, 'out'), 'utf8'), '127.0.0.1 foobar');
  });

  it('masks Vault values in a dry-run diff and warns about a world-readable destination', async () => {
    const root = join(dir, 'noop');
    await writeIntegrationConfdir(root, join(root, 'out'));
    let stdout = '';
    let stderr = '';
    const code = await run(['-onetime', '-noop', '-backend', 'vault', '-node', server.address, '-auth-type', 'token', '-auth-token', 'root', '-prefix', '/kv', '-confdir', root], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { HOME: root, HOSTNAME: 'localhost' },
      cwd: root,
      signal: new AbortController().signal,
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^\+hostname: localhost$/m);
    assert.doesNotMatch(stdout, /p@sSw0rd|foobar|10\.0\.1\.10/);
    const written = await runCtmpl(['-onetime', '-backend', 'vault', '-node', server.address, '-auth-type', 'token', '-auth-token', 'root', '-prefix', '/kv', '-confdir', root], root);
    assert.match(written.stderr, /confd-basic-test\.conf: holds values read from Vault but is world-readable \(mode 0644\)/);
  });

  // Expected outputs written by the real confd from the same secrets. confd strips its prefix
  // as text (strings.TrimPrefix, uncleaned), joins keys and secret fields with path.Join, and
  // keeps every value it read, even a field ("../up") that lands outside the key.
  const pathCases = [
    {
      name: 'a field path.Join puts outside the key is still in the store',
      resource: 'prefix = ""\nkeys = ["/kv/app/multi"]',
      want: '/kv/app/multi=empty\n/kv/app/up=escaped\n/kv/app/multi/dot=dot\n/kv/app/multi/pass=p\n/kv/app/multi/user=u\n/kv/app/multi/a/b=slash\n/kv/app/multi/nested/x=y\n/kv/app/multi/x/y=dbl\n',
    },
    {
      name: 'an uncleaned prefix strips nothing from the cleaned keys',
      resource: 'prefix = "/kv//app"\nkeys = ["/./sub/"]',
      want: '/kv/app/sub/leaf=leafv\n/kv/app/sub/more/leaf2={"j":"w","k":"v"}\n',
    },
    {
      name: 'keys are path.Join(prefix, key), ".." included',
      resource: 'prefix = "kv/app/../app"\nkeys = ["sub/../plain", "/sub/more/"]',
      want: '/kv/app/plain=v1\n/kv/app/sub/more/leaf2={"j":"w","k":"v"}\n',
    },
    {
      name: 'the prefix is stripped as text, mid-segment too',
      resource: 'prefix = "/kv/app/mu"\nkeys = ["../multi"]',
      want: '/lti=empty\n/lti/dot=dot\n/lti/pass=p\n/lti/user=u\n/kv/app/up=escaped\n/lti/a/b=slash\n/lti/nested/x=y\n/lti/x/y=dbl\n/lti/nested/deep/z=w\n',
    },
  ];
  for (const [i, c] of pathCases.entries()) {
    it(`keeps confd's key paths: ${c.name}`, async () => {
      await server.must('POST', 'kv/app/plain', '{"value":"v1"}');
      await server.must('POST', 'kv/app/multi', JSON.stringify({ user: 'u', pass: 'p', n: 5, l: ['a'], nested: { x: 'y', deep: { z: 'w' } }, '../up': 'escaped', 'a/b': 'slash', './dot': 'dot', '': 'empty', 'x//y': 'dbl' }));
      await server.must('POST', 'kv/app/sub/leaf', '{"value":"leafv"}');
      await server.must('POST', 'kv/app/sub/more/leaf2', '{"k":"v","j":"w"}');
      const root = join(dir, `paths-${i}`);
      await mkdir(join(root, 'conf.d'), { recursive: true });
      await mkdir(join(root, 'templates'), { recursive: true });
      const levels = ['/*', '/*/*', '/*/*/*', '/*/*/*/*', '/*/*/*/*/*'];
      await writeFile(join(root, 'templates', 't.tmpl'), levels.map((glob) => `{{range gets "${glob}"}}{{.Key}}={{.Value}}\n{{end}}`).join(''));
      await writeFile(join(root, 'conf.d', 't.toml'), `[template]\nsrc = "t.tmpl"\ndest = "out"\n${c.resource}\n`);
      const outcome = await runCtmpl(['-onetime', '-backend', 'vault', '-node', server.address, '-auth-type', 'token', '-auth-token', 'root', '-confdir', root], root);
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(await readFile(join(root, 'out'), 'utf8'), c.want);
    });
  }

  const confd = findBinary('confd', 'confd (the real peer; not a Debian package)', 'vault backend against the real confd');
  it('writes what the real confd writes from the same Vault (app-role auth)', { skip: confd.skip }, async () => {
    const confdRoot = join(dir, 'peer');
    await writeIntegrationConfdir(confdRoot, join(confdRoot, 'out'));
    const flags = ['-backend', 'vault', '-node', server.address, '-auth-type', 'app-role', '-role-id', credentials.roleId, '-secret-id', credentials.secretId, '-path', 'test', '-prefix', '/kv'];
    await promisify(execFile)(confd.path!, ['-onetime', ...flags, '-confdir', confdRoot], { env: { PATH: process.env.PATH, HOSTNAME: 'localhost' } });
    const ctmplRoot = join(dir, 'ctmpl-peer');
    await writeIntegrationConfdir(ctmplRoot, join(ctmplRoot, 'out'));
    const outcome = await runCtmpl(['-onetime', ...flags, '-confdir', ctmplRoot], ctmplRoot);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(await readOutputs(join(ctmplRoot, 'out')), await readOutputs(join(confdRoot, 'out')));
  });

  const failures = [
    {
      name: 'a login refused by Vault fails naming the auth type, never the secret id',
      flags: () => ['-auth-type', 'app-role', '-role-id', credentials.roleId, '-secret-id', 'deadbeef-0000-0000-0000-000000000000', '-path', 'test'],
      message: /app-role login: .*400/,
      code: 69,
    },
    {
      name: 'a wrong password fails without showing it',
      flags: () => ['-auth-type', 'userpass', '-username', 'bob', '-password', 'deadbeef-wrong'],
      message: /userpass login: .*400/,
      code: 69,
    },
    { name: 'a missing auth flag is a usage error naming it', flags: () => ['-auth-type', 'app-role', '-role-id', 'x'], message: /-auth-type app-role needs -secret-id/, code: 64 },
    { name: 'no auth type is a usage error', flags: () => [], message: /auth type/, code: 64 },
    { name: '-watch is refused: Vault has no change feed', flags: () => ['-auth-type', 'token', '-auth-token', 'root', '-watch'], message: /-watch: the vault backend has no change feed/, code: 64 },
  ];
  for (const failure of failures) {
    it(failure.name, async () => {
      const root = join(dir, `fail-${failures.indexOf(failure)}`);
      await writeIntegrationConfdir(root, join(root, 'out'));
      const outcome = await runCtmpl(['-onetime', '-backend', 'vault', '-node', server.address, ...failure.flags(), '-prefix', '/kv', '-confdir', root, '-lookup-timeout', '4s'], root);
      assert.equal(outcome.code, failure.code, outcome.stderr);
      assert.match(outcome.stderr, failure.message);
      assert.doesNotMatch(outcome.stderr, /deadbeef/);
      assert.doesNotMatch(outcome.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});
