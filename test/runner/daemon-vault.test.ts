import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JsonNumber, type JsonValue } from '../../src/json-number.js';
import { makeTempDir, readIfExists, runCliInProcess, startCliInProcess, waitFor } from '../support/cli.js';
import { findVault, startVault, type VaultServer } from '../support/vault-server.js';

/**
 * The daemon following Vault secrets (consul-template's `secret`) on a real Vault: rotated
 * secrets re-render only their templates, leases are renewed, the token is kept alive; and a
 * dry run hides the lines carrying secret values.
 */

const vault = findVault('daemon on Vault');

type JsonMap = ReadonlyMap<string, JsonValue>;
const dataOf = (answer: { body: JsonValue | undefined }) => (answer.body as JsonMap).get('data') as JsonMap;
const authOf = (answer: { body: JsonValue | undefined }) => (answer.body as JsonMap).get('auth') as JsonMap;

/** When Vault last renewed a token (null: never), looked up as root. */
async function lastRenewal(server: VaultServer, token: string): Promise<JsonValue | undefined> {
  const answer = await server.must('POST', 'auth/token/lookup', JSON.stringify({ token }));
  const value = dataOf(answer).get('last_renewal_time');
  return value instanceof JsonNumber && value.text !== '0' ? value : undefined;
}

describe('the daemon on Vault secrets', { skip: vault.skip }, () => {
  let server: VaultServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    server = await startVault(vault.path);
    ({ dir, cleanup } = await makeTempDir('ctmpl-daemon-vault-'));
    await server.reset();
  });
  after(async () => {
    await server?.close();
    await cleanup?.();
  });

  it('re-renders a rotated secret, only in the templates that read it, and keeps leases and its token alive', async (t) => {
    const root = join(dir, 'rotate');
    await server.must('POST', 'secret/data/app', '{"data":{"password":"one"}}');
    await server.must('POST', 'kv/short', '{"password":"short-one","ttl":"1s"}');
    await server.must('POST', 'kv/other', '{"value":"steady"}');
    const token = authOf(await server.must('POST', 'auth/token/create', '{"policies":["root"],"ttl":"15s","explicit_max_ttl":"2m"}')).get('client_token') as string;
    const templates: Record<string, string> = {
      'a.ctmpl': '{{with secret "secret/app"}}{{.Data.data.password}}{{end}}',
      'b.ctmpl': '{{with secret "kv/other"}}{{.Data.value}}{{end}}',
      'c.ctmpl': '{{with secret "kv/short"}}{{.Data.password}}{{end}}',
      'd.ctmpl': '{{with secret "auth/token/create" "ttl=3s" "explicit_max_ttl=2m" "policies=default"}}{{.Auth.ClientToken}}{{end}}',
    };
    await mkdir(root, { recursive: true });
    for (const [name, text] of Object.entries(templates)) await writeFile(join(root, name), text);
    const specs = Object.keys(templates).flatMap((name) => ['-template', `${name}:${name.replace('.ctmpl', '.out')}`]);
    const cli = startCliInProcess(['-vault-addr', server.address, '-vault-token', token, '-vault-default-lease-duration', '1s', ...specs, '-log-level', 'debug'], {
      cwd: root,
      env: { HOME: root },
    });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'a.out'))) === 'one', 'first render of a');
      await waitFor(async () => (await readIfExists(join(root, 'c.out'))) === 'short-one', 'first render of c');
      await waitFor(async () => (await readIfExists(join(root, 'b.out'))) === 'steady', 'first render of b');
      const created = (await waitFor(() => readIfExists(join(root, 'd.out')), 'the created token'))!;
      const bRenders = () => cli.output().split(`${join(root, 'b.out')}: unchanged`).length - 1;
      const bRendersBefore = bRenders();
      const bModified = (await stat(join(root, 'b.out'))).mtimeMs;

      const rotatedAt = Date.now();
      await server.must('POST', 'secret/data/app', '{"data":{"password":"two"}}');
      await server.must('POST', 'kv/short', '{"password":"short-two","ttl":"1s"}');
      await waitFor(async () => (await readIfExists(join(root, 'a.out'))) === 'two', 'the rotated KV v2 secret rendered');
      t.diagnostic(`KV v2 rotation rendered after ${Date.now() - rotatedAt} ms (lease 1s)`);
      await waitFor(async () => (await readIfExists(join(root, 'c.out'))) === 'short-two', 'the re-read short-lease secret rendered');
      t.diagnostic(`short-lease KV v1 rotation rendered after ${Date.now() - rotatedAt} ms (ttl 1s)`);
      assert.equal(bRenders(), bRendersBefore, 'b, which reads neither secret, was not re-rendered');
      assert.equal((await stat(join(root, 'b.out'))).mtimeMs, bModified);

      await waitFor(() => lastRenewal(server, created), 'the created token (a renewable lease) renewed');
      await waitFor(() => lastRenewal(server, token), "ctmpl's own token renewed");
      assert.equal(await readFile(join(root, 'd.out'), 'utf8'), created, 'a renewal does not re-render');
      assert.doesNotMatch(cli.output(), new RegExp(token.replace(/\./g, '\\.')), 'the token never appears in the log');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('masks the lines of a dry-run diff that carry secret values unless -show-secrets', async () => {
    const root = join(dir, 'noop');
    await mkdir(root, { recursive: true });
    await server.must('POST', 'kv/db', '{"password":"hunter22","user":"admin"}');
    await writeFile(join(root, 't.ctmpl'), 'user={{with secret "kv/db"}}{{.Data.user}}\npassword={{.Data.password}}{{end}}\nport=5432\n');
    await writeFile(join(root, 'out'), 'user=admin\npassword=old-secret\nport=5432\n');
    const args = ['-once', '-noop', '-vault-addr', server.address, '-vault-token', 'root', '-vault-renew-token=false', '-template', 't.ctmpl:out'];
    const masked = await runCliInProcess(args, { cwd: root, env: { HOME: root } });
    assert.equal(masked.code, 0, masked.stderr);
    assert.doesNotMatch(masked.stdout, /hunter22/);
    assert.doesNotMatch(masked.stdout, /old-secret/, 'the rotated-out value is masked too');
    assert.match(masked.stdout, /^\+\*\*\* \(a value read from Vault/m);
    assert.doesNotMatch(masked.stdout, /admin/, 'every field of a secret counts, even in context lines');
    assert.match(masked.stdout, /^ port=5432$/m, 'lines without secret values stay readable');
    const shown = await runCliInProcess([...args, '-show-secrets'], { cwd: root, env: { HOME: root } });
    assert.match(shown.stdout, /^\+password=hunter22$/m);
    assert.match(shown.stdout, /^-password=old-secret$/m);
  });

  it('unwraps a wrapping token with -vault-unwrap-token and reads with the token it wrapped', async () => {
    const root = join(dir, 'unwrap');
    await mkdir(root, { recursive: true });
    await server.must('POST', 'kv/wrapped', '{"value":"unwrapped-ok"}');
    const wrapped = await server.call('POST', 'auth/token/create', '{"policies":["root"]}', 'root', { 'x-vault-wrap-ttl': '60s' });
    const wrappingToken = ((wrapped.body as JsonMap).get('wrap_info') as JsonMap).get('token') as string;
    await writeFile(join(root, 't.ctmpl'), '{{with secret "kv/wrapped"}}{{.Data.value}}{{end}}');
    const result = await runCliInProcess(['-once', '-vault-addr', server.address, '-vault-token', wrappingToken, '-vault-unwrap-token', '-template', 't.ctmpl:out'], { cwd: root, env: { HOME: root } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'out'), 'utf8'), 'unwrapped-ok');
    assert.ok(!result.stderr.includes(wrappingToken), 'the wrapping token is never logged');
  });

  it('warns when a file holding secrets is world-readable', async () => {
    const root = join(dir, 'mode');
    await mkdir(root, { recursive: true });
    await server.must('POST', 'kv/db', '{"password":"hunter22"}');
    await writeFile(join(root, 't.ctmpl'), '{{with secret "kv/db"}}{{.Data.password}}{{end}}');
    const result = await runCliInProcess(['-once', '-vault-addr', server.address, '-vault-token', 'root', '-template', 't.ctmpl:out'], { cwd: root, env: { HOME: root } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /out: holds values read from Vault but is world-readable \(mode 0644\)/);
    assert.doesNotMatch(result.stderr, /hunter22/);
  });
});
