import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/backend.js';
import type { Dependency } from '../../src/types/dependency.js';
import { createEtcdBackend } from '../../src/backends/etcd.js';
import type { TlsOptions } from '../../src/types/tls.js';
import { CtmplError } from '../../src/errors.js';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, runCliInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls.js';
import { waitForData, withWatch } from '../support/watch.js';

const etcd = findBinary('etcd', 'etcd-server', 'etcd over TLS');
const openssl = findBinary('openssl', 'openssl', 'etcd over TLS');
const skip = etcd.skip ?? openssl.skip;

const kvGet = (key: string): Dependency => ({ type: 'kv.get', key });
const signal = () => AbortSignal.timeout(10_000);

/** Reads `key` through a fresh backend and closes it; the value, or the error it failed with. */
async function readWith(server: EtcdServer, tls: TlsOptions, key = '/app/name'): Promise<unknown> {
  const backend: Backend = createEtcdBackend({ nodes: [server.url], tls });
  try {
    return (await backend.snapshot(kvGet(key), signal())).data;
  } catch (error) {
    return error;
  } finally {
    await backend.close();
  }
}

function assertBackendError(outcome: unknown, server: EtcdServer, pattern?: RegExp): void {
  assert.ok(outcome instanceof CtmplError, `expected a CtmplError, got ${String(outcome)}`);
  assert.equal(outcome.code, 'BACKEND');
  assert.ok(outcome.message.includes(server.url), `"${outcome.message}" names ${server.url}`);
  if (pattern) assert.match(outcome.message, pattern);
}

interface TlsEtcd {
  dir: string;
  certs: TestCertificates;
  server: EtcdServer;
}

/**
 * Starts an etcd over https for the enclosing describe, holding `/app/name` = `value`, with a
 * confdir rendering it in its temp dir; stops it and removes the dir afterwards.
 */
function useTlsEtcd(options: { value: string; clientCertAuth: boolean; auth?: { user: string; password: string } }): TlsEtcd {
  const fixture = {} as TlsEtcd;
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    let dir: string;
    ({ dir, cleanup } = await makeTempDir());
    const certs = await makeTestCertificates(dir, openssl.path);
    const server = await startEtcd({
      ...(options.auth ? { auth: options.auth } : {}),
      tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.caFile, clientCertAuth: options.clientCertAuth },
    });
    Object.assign(fixture, { dir, certs, server });
    await server.put('/app/name', options.value);
    await writeConfdir(dir, {
      resources: { 'app.toml': '[template]\nsrc = "app.tmpl"\ndest = "app.conf"\nkeys = ["/app"]\n' },
      templates: { 'app.tmpl': 'name = {{getv "/app/name"}}\n' },
    });
  });
  after(async () => {
    await fixture.server?.close();
    await cleanup?.();
  });
  return fixture;
}

describe('etcd backend over TLS', { skip }, () => {
  const etcdOverTls = useTlsEtcd({ value: 'over-https', clientCertAuth: false });

  it('serves its clients over https', () => {
    assert.match(etcdOverTls.server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('reads a key over https when it trusts the CA', async () => {
    assert.equal(await readWith(etcdOverTls.server, { caFile: etcdOverTls.certs.caFile, verify: true }), 'over-https');
  });

  it('makes a bare host:port an https address when TLS options are given', async () => {
    const backend = createEtcdBackend({ nodes: [etcdOverTls.server.url.replace('https://', '')], tls: { caFile: etcdOverTls.certs.caFile, verify: true } });
    try {
      assert.equal(backend.description, `etcd ${etcdOverTls.server.url}`);
      assert.equal((await backend.snapshot(kvGet('/app/name'), signal())).data, 'over-https');
    } finally {
      await backend.close();
    }
  });

  it('refuses the self-signed chain without the CA, naming the address', async () => {
    assertBackendError(await readWith(etcdOverTls.server, { verify: true }), etcdOverTls.server, /certificate/i);
  });

  it('accepts any certificate when verification is off', async () => {
    assert.equal(await readWith(etcdOverTls.server, { verify: false }), 'over-https');
  });

  it('checks the server name it is given against the certificate', async () => {
    assert.equal(await readWith(etcdOverTls.server, { caFile: etcdOverTls.certs.caFile, serverName: 'localhost', verify: true }), 'over-https');
    assertBackendError(await readWith(etcdOverTls.server, { caFile: etcdOverTls.certs.caFile, serverName: 'etcd.example', verify: true }), etcdOverTls.server, /etcd\.example/);
  });

  it('renders through the CLI with a bare -node, -scheme https and -tls-skip-verify', async () => {
    const node = etcdOverTls.server.url.replace('https://', '');
    const result = await runCliInProcess(['-onetime', '-backend', 'etcd', '-node', node, '-scheme', 'https', '-tls-skip-verify', '-confdir', etcdOverTls.dir], { cwd: etcdOverTls.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readIfExists(join(etcdOverTls.dir, 'app.conf')), 'name = over-https\n');
  });

  it('fails with a clear error when the CA file cannot be read', () => {
    assert.throws(
      () => createEtcdBackend({ nodes: [etcdOverTls.server.url], tls: { caFile: join(etcdOverTls.dir, 'missing.pem'), verify: true } }),
      (error: unknown) => error instanceof CtmplError && error.code === 'BACKEND' && error.message.includes('missing.pem'),
    );
  });
});

describe('etcd backend with client certificate authentication', { skip }, () => {
  const etcdOverTls = useTlsEtcd({ value: 'mutual-tls', clientCertAuth: true });

  it('reads with the client certificate and key', async () => {
    const tls = { caFile: etcdOverTls.certs.caFile, certFile: etcdOverTls.certs.clientCert, keyFile: etcdOverTls.certs.clientKey, verify: true };
    assert.equal(await readWith(etcdOverTls.server, tls), 'mutual-tls');
  });

  it('fails without a client certificate, naming the address', async () => {
    assertBackendError(await readWith(etcdOverTls.server, { caFile: etcdOverTls.certs.caFile, verify: true }), etcdOverTls.server);
  });

  it('renders a conf.d resource through the CLI with -client-ca-keys, -client-cert and -client-key', async () => {
    const result = await runCliInProcess([
      '-onetime', '-backend', 'etcd', '-node', etcdOverTls.server.url,
      '-client-ca-keys', etcdOverTls.certs.caFile, '-client-cert', etcdOverTls.certs.clientCert, '-client-key', etcdOverTls.certs.clientKey,
      '-confdir', etcdOverTls.dir,
    ], { cwd: etcdOverTls.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readIfExists(join(etcdOverTls.dir, 'app.conf')), 'name = mutual-tls\n');
  });

  it('exits 69 through the CLI without the client certificate, naming the address', async () => {
    const result = await runCliInProcess(['-onetime', '-backend', 'etcd', '-node', etcdOverTls.server.url, '-client-ca-keys', etcdOverTls.certs.caFile, '-confdir', etcdOverTls.dir, '-lookup-timeout', '1s'], { cwd: etcdOverTls.dir });
    assert.equal(result.code, 69, result.stderr);
    assert.ok(result.stderr.includes(etcdOverTls.server.url), result.stderr);
  });
});

describe('etcd backend with a user and password over TLS', { skip }, () => {
  const etcdOverTls = useTlsEtcd({ value: 'with-auth', clientCertAuth: false, auth: { user: 'root', password: 'pw' } });

  it('authenticates over https and reads', async () => {
    const backend = createEtcdBackend({ nodes: [etcdOverTls.server.url], username: 'root', password: 'pw', tls: { caFile: etcdOverTls.certs.caFile, verify: true } });
    try {
      assert.equal((await backend.snapshot(kvGet('/app/name'), signal())).data, 'with-auth');
    } finally {
      await backend.close();
    }
  });

  it('authenticates over https and watches', async () => {
    const backend = createEtcdBackend({ nodes: [etcdOverTls.server.url], username: 'root', password: 'pw', tls: { caFile: etcdOverTls.certs.caFile, verify: true } });
    try {
      await withWatch(backend, kvGet('/app/watched'), async (events) => {
        await waitForData(events, (data) => data === null);
        await etcdOverTls.server.put('/app/watched', 'changed over https');
        await waitForData(events, (data) => data === 'changed over https');
      });
    } finally {
      await backend.close();
    }
  });

  it('fails with a wrong password, naming the address', async () => {
    const backend = createEtcdBackend({ nodes: [etcdOverTls.server.url], username: 'root', password: 'wrong', tls: { caFile: etcdOverTls.certs.caFile, verify: true } });
    try {
      const outcome = await backend.snapshot(kvGet('/app/name'), signal()).catch((error: unknown) => error);
      assertBackendError(outcome, etcdOverTls.server, /authentication failed/);
    } finally {
      await backend.close();
    }
  });
});
