import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePems, renewalAt } from '../../../src/backends/vault/pki.js';
import { VaultSource } from '../../../src/backends/vault/source.js';
import { run } from '../../../src/cli.js';
import type { Dependency } from '../../../src/types/dependency.js';
import type { PkiCert } from '../../../src/types/vault.js';
import { makeTempDir, removeTempDir } from '../../support/server-process.js';
import { waitFor } from '../../support/cli.js';
import { findVault, startVault, type VaultServer } from '../../support/vault-server.js';

/**
 * `pkiCert` on a real Vault's PKI engine: the certificate verifies against the CA, a second run
 * takes it from the destination instead of issuing another, and past 90 % of its lifetime a new
 * one is issued (consul-template's dependency/vault_pki.go).
 */

const vault = findVault('pkiCert on Vault PKI');

const TEMPLATE = '{{ with pkiCert "pki/issue/web" "common_name=foo.example.com" "ttl=1h" }}{{ .Cert }}{{ .Key }}{{ .CA }}{{ end }}';

async function runOnce(server: VaultServer, dir: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(['-once', '-backend', 'env', '-vault-addr', server.address, '-vault-token', 'root', '-vault-renew-token=false', '-log-level', 'warn', ...args], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: dir },
    cwd: dir,
    signal: new AbortController().signal,
  });
  return { code, stderr };
}

async function issuedCount(server: VaultServer): Promise<number> {
  const answer = await server.must('LIST', 'pki/certs');
  const data = (answer.body as ReadonlyMap<string, unknown>).get('data') as ReadonlyMap<string, unknown>;
  return (data.get('keys') as string[]).length;
}

function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber;
}

describe('pkiCert on a real Vault', { skip: vault.skip }, () => {
  let server: VaultServer;
  let dir: string;

  before(async () => {
    server = await startVault(vault.path);
    dir = await makeTempDir('pki');
    await server.must('POST', 'sys/mounts/pki', '{"type":"pki","config":{"max_lease_ttl":"87600h"}}');
    await server.must('POST', 'pki/root/generate/internal', '{"common_name":"example.com","ttl":"87600h"}');
    await server.must('POST', 'pki/roles/web', '{"allowed_domains":"example.com","allow_subdomains":true,"max_ttl":"72h"}');
  });

  after(async () => {
    await server?.close();
    if (dir) await removeTempDir(dir);
  });

  it('renders a certificate that verifies against the CA, with its key, and reuses it from the destination', async () => {
    const src = join(dir, 'cert.tmpl');
    const dest = join(dir, 'cert.pem');
    await writeFile(src, TEMPLATE);
    const first = await runOnce(server, dir, ['-template', `${src}:${dest}`]);
    assert.equal(first.code, 0, first.stderr);
    const { pems, validity } = parsePems(await readFile(dest, 'utf8'));
    const cert = new X509Certificate(pems.Cert);
    const ca = new X509Certificate(pems.CA);
    assert.ok(cert.verify(ca.publicKey), 'the certificate is signed by the CA');
    assert.ok(cert.checkPrivateKey(createPrivateKey(pems.Key)), 'the key is the certificate’s');
    assert.match(cert.subject, /CN=foo\.example\.com/);
    assert.ok(validity && validity.notAfter - validity.notBefore > 3_600_000 - 1, 'an hour-long certificate (plus Vault’s backdating)');
    const issued = await issuedCount(server);

    const second = await runOnce(server, dir, ['-template', `${src}:${dest}`]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(serialOf(parsePems(await readFile(dest, 'utf8')).pems.Cert), cert.serialNumber, 'the same certificate');
    assert.equal(await issuedCount(server), issued, 'no new certificate was issued');
  });

  it('uses a cached certificate until 90 % of its lifetime, then issues a new one', async () => {
    const dest = join(dir, 'renew.pem');
    // Vault backdates notBefore by 30 s: an 8 s certificate lives 38 s and is renewed ~4 s from now.
    const short = (await server.must('PUT', 'pki/issue/web', '{"common_name":"bar.example.com","ttl":"8s"}')).body as ReadonlyMap<string, unknown>;
    const shortData = short.get('data') as ReadonlyMap<string, string>;
    await writeFile(dest, `${shortData.get('certificate')}\n${shortData.get('private_key')}\n`);
    const dep: Dependency = { type: 'vault.pki', path: 'pki/issue/web', data: { common_name: 'bar.example.com', ttl: '1h' }, dest };
    const source = new VaultSource({
      address: server.address, token: 'root', unwrapToken: false, renewToken: false, defaultLeaseMs: 300_000, listPollMs: 300_000, log: () => {},
    });
    const signal = new AbortController();
    try {
      const first = await source.snapshot(dep, signal.signal);
      const cached = first.data as PkiCert;
      assert.equal(serialOf(cached.Cert), serialOf(shortData.get('certificate')!), 'still good: taken from the destination');
      assert.equal(cached.CA, '', 'the destination held no CA');
      const validity = parsePems(cached.Cert).validity!;
      const renewAt = renewalAt(validity, Date.now())!;
      assert.equal(renewAt, validity.notBefore + (validity.notAfter - validity.notBefore) * 0.9);

      const changes = source.changes(dep, first.cursor, signal.signal)[Symbol.asyncIterator]();
      const next = await changes.next();
      assert.ok(Date.now() >= renewAt, 'not before the renewal point');
      const renewed = next.value!.data as PkiCert;
      assert.notEqual(serialOf(renewed.Cert), serialOf(cached.Cert), 'a new certificate');
      assert.ok(new X509Certificate(renewed.Cert).verify(new X509Certificate(renewed.CA).publicKey));
      assert.deepEqual(renewed.CAChain, [renewed.CA]);
      await changes.return?.(undefined);
    } finally {
      signal.abort();
      await source.close();
    }
  });

  it('in watch mode, re-renders with a new certificate at the renewal point', async () => {
    const src = join(dir, 'daemon.tmpl');
    const dest = join(dir, 'daemon.pem');
    // An 8 s certificate (38 s with Vault's 30 s backdating) reaches 90 % about 4 s after it is issued.
    await writeFile(src, '{{ with pkiCert "pki/issue/web" "common_name=daemon.example.com" "ttl=8s" }}{{ .Cert }}{{ .Key }}{{ end }}');
    const controller = new AbortController();
    let stderr = '';
    const running = run(['-backend', 'env', '-vault-addr', server.address, '-vault-token', 'root', '-vault-renew-token=false', '-log-level', 'warn', '-template', `${src}:${dest}`], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: { HOME: dir },
      cwd: dir,
      signal: controller.signal,
    });
    try {
      const serialIn = async () => {
        const text = await readFile(dest, 'utf8').catch(() => '');
        return text.includes('CERTIFICATE') ? serialOf(parsePems(text).pems.Cert) : undefined;
      };
      const first = await waitFor(serialIn, 'the first certificate');
      const second = await waitFor(async () => {
        const serial = await serialIn();
        return serial !== undefined && serial !== first ? serial : undefined;
      }, 'a renewed certificate', 20_000, 100);
      assert.notEqual(second, first);
    } finally {
      controller.abort();
      assert.equal(await running, 0, stderr);
    }
  });

  it('fails with the path when Vault refuses the request', async () => {
    const src = join(dir, 'bad.tmpl');
    await writeFile(src, '{{ with pkiCert "pki/issue/web" "common_name=foo.other.org" }}{{ .Cert }}{{ end }}');
    const outcome = await runOnce(server, dir, ['-template', `${src}:${join(dir, 'bad.pem')}`, '-lookup-timeout', '3s', '-vault-retry=false']);
    assert.notEqual(outcome.code, 0);
    const lines = outcome.stderr.trim().split('\n');
    assert.equal(lines.length, 1, outcome.stderr);
    assert.match(lines[0]!, /bad\.pem: vault\.pki\(pki\/issue\/web -> [0-9a-f]{8} -> \S+bad\.pem\): PUT http:\/\/127\.0\.0\.1:\d+\/v1\/pki\/issue\/web: 400 common name foo\.other\.org not allowed by this role$/);
  });
});
