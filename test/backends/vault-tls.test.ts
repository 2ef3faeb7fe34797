import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/cli.js';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists } from '../support/cli.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls.js';
import { findVault, startVault, type VaultServer } from '../support/vault-server.js';

/** Vault over TLS: consul-template's -vault-ssl-* flags and VAULT_* variables, and confd's cert auth. */

const vault = findVault('Vault over TLS');
const openssl = findBinary('openssl', 'openssl', 'Vault over TLS');

async function runCtmpl(argv: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: cwd, ...env },
    cwd,
    signal: new AbortController().signal,
  });
  return { code, stderr };
}

describe('Vault over TLS', { skip: vault.skip ?? openssl.skip }, () => {
  let server: VaultServer;
  let certs: TestCertificates;
  let caDir: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-vault-tls-'));
    certs = await makeTestCertificates(dir);
    await mkdir(caDir = join(dir, 'cas'), { recursive: true });
    await copyFile(certs.caFile, join(caDir, 'ca.pem'));
    server = await startVault(vault.path, { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.caFile });
    await server.reset();
    await server.must('POST', 'kv/app', '{"password":"tls-pw"}');
  });
  after(async () => {
    await server?.close();
    await cleanup?.();
  });

  const secretCases = [
    { name: 'reads a secret with -vault-ssl-ca-cert', flags: () => ['-vault-ssl-ca-cert', certs.caFile], env: () => ({}) },
    { name: 'reads a secret with VAULT_CACERT', flags: () => [], env: () => ({ VAULT_CACERT: certs.caFile }) },
    { name: 'reads a secret with -vault-ssl-ca-path', flags: () => ['-vault-ssl-ca-path', caDir], env: () => ({}) },
    { name: 'reads a secret with -vault-ssl-verify=false', flags: () => ['-vault-ssl-verify=false'], env: () => ({}) },
    { name: 'reads a secret with VAULT_SKIP_VERIFY', flags: () => [], env: () => ({ VAULT_SKIP_VERIFY: 'true' }) },
  ];
  for (const [index, c] of secretCases.entries()) {
    it(c.name, async () => {
      const root = join(dir, `secret-${index}`);
      await mkdir(root, { recursive: true });
      await writeFile(join(root, 't.ctmpl'), '{{with secret "kv/app"}}{{.Data.password}}{{end}}');
      const outcome = await runCtmpl(['-once', '-vault-addr', server.tlsAddress!, '-vault-token', 'root', ...c.flags(), '-template', 't.ctmpl:out'], root, c.env());
      assert.equal(outcome.code, 0, outcome.stderr);
      assert.equal(await readFile(join(root, 'out'), 'utf8'), 'tls-pw');
    });
  }

  it('refuses a server whose certificate it cannot verify, naming the address', async () => {
    const root = join(dir, 'untrusted');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 't.ctmpl'), '{{with secret "kv/app"}}{{.Data.password}}{{end}}');
    const outcome = await runCtmpl(['-once', '-vault-addr', server.tlsAddress!, '-vault-token', 'root', '-template', 't.ctmpl:out', '-lookup-timeout', '2s'], root);
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, new RegExp(`${server.tlsAddress!.replace(/\./g, '\\.')}.*certificate`));
    assert.equal(await readIfExists(join(root, 'out')), undefined);
  });

  it('logs confd in with cert auth and the client certificate', async () => {
    await server.call('POST', 'sys/auth/cert', '{"type":"cert"}');
    await server.must('PUT', 'sys/policies/acl/read-kv', JSON.stringify({ policy: 'path "kv/*" { capabilities = ["read", "list"] }' }));
    const ca = await readFile(certs.caFile, 'utf8');
    await server.must('POST', 'auth/cert/certs/web', JSON.stringify({ certificate: ca, policies: ['read-kv'] }));
    const root = join(dir, 'cert-auth');
    await mkdir(join(root, 'conf.d'), { recursive: true });
    await mkdir(join(root, 'templates'), { recursive: true });
    await writeFile(join(root, 'conf.d', 't.toml'), '[template]\nsrc = "t.tmpl"\ndest = "out"\nkeys = ["/kv/app"]\n');
    await writeFile(join(root, 'templates', 't.tmpl'), '{{getv "/kv/app/password"}}');
    const outcome = await runCtmpl([
      '-onetime', '-backend', 'vault', '-node', server.tlsAddress!, '-auth-type', 'cert',
      '-client-cert', certs.clientCert, '-client-key', certs.clientKey, '-client-ca-keys', certs.caFile, '-confdir', root,
    ], root);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(await readFile(join(root, 'out'), 'utf8'), 'tls-pw');
  });
});
