import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConsulBackend, type ConsulOptions } from '../../src/backends/consul.js';
import { CtmplError } from '../../src/errors.js';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, runCliInProcess } from '../support/cli.js';
import { startConsulSimulator, type ConsulSimulator } from '../support/consul-simulator.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls.js';

const openssl = findBinary('openssl', 'openssl', 'Consul over TLS');

/** Reads /app/name through a fresh backend and closes it; the value, or the error it failed with. */
async function readName(options: ConsulOptions): Promise<unknown> {
  const backend = createConsulBackend(options);
  try {
    return (await backend.snapshot({ type: 'kv.get', key: '/app/name' }, AbortSignal.timeout(10_000))).data;
  } catch (error) {
    return error;
  } finally {
    await backend.close();
  }
}

function assertBackendError(outcome: unknown, address: string, pattern?: RegExp): void {
  assert.ok(outcome instanceof CtmplError, `expected a CtmplError, got ${String(outcome)}`);
  assert.equal(outcome.code, 'BACKEND');
  assert.ok(outcome.message.includes(address), `"${outcome.message}" names ${address}`);
  if (pattern) assert.match(outcome.message, pattern);
}

/** A -once run of `name.ctmpl` against `consul`; the exit code, stderr and rendered file. */
async function renderOnce(dir: string, args: readonly string[], env: Record<string, string> = {}) {
  const dest = join(dir, 'name.conf');
  await writeFile(dest, '');
  const result = await runCliInProcess(['-once', '-template', 'name.ctmpl:name.conf', '-lookup-timeout', '1s', ...args], { cwd: dir, env });
  return { ...result, output: await readIfExists(dest) };
}

describe('Consul backend over https', { skip: openssl.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let certs: TestCertificates;
  let consul: ConsulSimulator;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    certs = await makeTestCertificates(dir, openssl.path);
    consul = await startConsulSimulator({ tls: { certFile: certs.serverCert, keyFile: certs.serverKey }, token: 'acl-secret' });
    consul.putKey('app/name', 'over-https');
    await writeFile(join(dir, 'name.ctmpl'), 'name = {{key "app/name"}}\n');
    await writeFile(join(dir, 'token'), 'acl-secret\n');
  });
  after(async () => {
    await consul?.stop();
    await cleanup?.();
  });

  it('serves https', () => {
    assert.match(consul.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('reads a key over https when it trusts the CA', async () => {
    assert.equal(await readName({ address: consul.url, token: 'acl-secret', tls: { caFile: certs.caFile, verify: true } }), 'over-https');
  });

  it('uses https for a bare host:port when TLS options are given', async () => {
    const address = `127.0.0.1:${consul.port}`;
    assert.equal(await readName({ address, token: 'acl-secret', tls: { caFile: certs.caFile, verify: true } }), 'over-https');
  });

  it('uses https for a bare host:port when CONSUL_HTTP_SSL is true', async () => {
    const env = { CONSUL_HTTP_SSL: 'true', CONSUL_HTTP_TOKEN: 'acl-secret' };
    assert.equal(await readName({ address: `127.0.0.1:${consul.port}`, env, tls: { verify: false } }), 'over-https');
    assertBackendError(await readName({ address: `127.0.0.1:${consul.port}`, env }), consul.url, /certificate/i);
  });

  it('takes the CA and verification from CONSUL_CACERT and CONSUL_HTTP_SSL_VERIFY', async () => {
    const address = `127.0.0.1:${consul.port}`;
    assert.equal(await readName({ address, env: { CONSUL_CACERT: certs.caFile, CONSUL_HTTP_TOKEN: 'acl-secret' } }), 'over-https');
    const unverified = { CONSUL_HTTP_SSL: 'true', CONSUL_HTTP_SSL_VERIFY: 'false', CONSUL_HTTP_TOKEN: 'acl-secret' };
    assert.equal(await readName({ address, env: unverified }), 'over-https');
  });

  it('refuses the self-signed chain without the CA, naming the address', async () => {
    assertBackendError(await readName({ address: consul.url, token: 'acl-secret', tls: { verify: true } }), consul.url, /certificate/i);
  });

  it('accepts any certificate when verification is off', async () => {
    assert.equal(await readName({ address: consul.url, token: 'acl-secret', tls: { verify: false } }), 'over-https');
  });

  it('reads the ACL token from a token file', async () => {
    const options = { address: consul.url, tls: { caFile: certs.caFile, verify: true } };
    assert.equal(await readName({ ...options, tokenFile: join(dir, 'token') }), 'over-https');
    assertBackendError(await readName(options), consul.url, /403 Permission denied/);
  });

  it('renders a -template through the CLI with -consul-addr https://… and -client-ca-keys', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url, '-client-ca-keys', certs.caFile, '-consul-token', 'acl-secret']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.output, 'name = over-https\n');
  });

  it('renders through the CLI with -tls-skip-verify and no CA', async () => {
    const result = await renderOnce(dir, ['-consul-addr', `127.0.0.1:${consul.port}`, '-tls-skip-verify', '-consul-token', 'acl-secret']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.output, 'name = over-https\n');
  });

  it('exits 69 through the CLI without the CA, naming the address', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url, '-consul-token', 'acl-secret']);
    assert.equal(result.code, 69, result.stderr);
    assert.ok(result.stderr.includes(consul.url), result.stderr);
    assert.equal(result.output, '');
  });

  it('fails with a clear error when the CA file cannot be read', () => {
    assert.throws(
      () => createConsulBackend({ address: consul.url, tls: { caFile: join(dir, 'missing.pem'), verify: true } }),
      (error: unknown) => error instanceof CtmplError && error.code === 'BACKEND' && error.message.includes('missing.pem'),
    );
  });

  it('exits 69 through the CLI when the token file cannot be read, naming it', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url, '-client-ca-keys', certs.caFile, '-token-file', join(dir, 'no-token')]);
    assert.equal(result.code, 69, result.stderr);
    assert.match(result.stderr, /cannot read token file .*no-token/);
    assert.doesNotMatch(result.stderr, /unexpected error/);
  });

  it('renders through the CLI with -token-file', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url, '-client-ca-keys', certs.caFile, '-token-file', join(dir, 'token')]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.output, 'name = over-https\n');
  });
});

describe('Consul backend behind basic auth', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let consul: ConsulSimulator;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    consul = await startConsulSimulator({ basicAuth: { username: 'ops', password: 's3cret:x' } });
    consul.putKey('app/name', 'behind-auth');
    await writeFile(join(dir, 'name.ctmpl'), 'name = {{key "app/name"}}\n');
  });
  after(async () => {
    await consul?.stop();
    await cleanup?.();
  });

  it('answers 401 without credentials', async () => {
    assertBackendError(await readName({ address: consul.url }), consul.url, /401/);
  });

  it('reads with the credentials given as options', async () => {
    assert.equal(await readName({ address: consul.url, auth: { username: 'ops', password: 's3cret:x' } }), 'behind-auth');
  });

  it('reads with the credentials from CONSUL_HTTP_AUTH', async () => {
    assert.equal(await readName({ address: consul.url, env: { CONSUL_HTTP_AUTH: 'ops:s3cret:x' } }), 'behind-auth');
  });

  it('fails with a wrong password, naming the address', async () => {
    assertBackendError(await readName({ address: consul.url, auth: { username: 'ops', password: 'wrong' } }), consul.url, /401 Unauthorized/);
  });

  it('renders through the CLI with CONSUL_HTTP_AUTH', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url], { CONSUL_HTTP_AUTH: 'ops:s3cret:x' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.output, 'name = behind-auth\n');
  });

  it('renders through the CLI with -username and -password', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url, '-username', 'ops', '-password', 's3cret:x']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.output, 'name = behind-auth\n');
  });

  it('exits 69 through the CLI with a wrong password, naming the address', async () => {
    const result = await renderOnce(dir, ['-consul-addr', consul.url, '-username', 'ops', '-password', 'wrong']);
    assert.equal(result.code, 69, result.stderr);
    assert.ok(result.stderr.includes(consul.url), result.stderr);
  });
});
