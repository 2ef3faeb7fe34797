import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createConsulBackend } from '../../src/backends/consul.js';
import { createEnvBackend } from '../../src/backends/env.js';
import { withRegistratorServices } from '../../src/backends/registrator.js';
import type { HealthService } from '../../src/backends/backend.js';
import { run } from '../../src/cli.js';
import type { Dependency } from '../../src/types/dependency.js';
import { findBinary } from '../support/binaries.js';
import { startConsulAgent, type TestConsul } from '../support/consul-agent.js';
import { request } from '../support/http.js';
import { makeTempDir, removeTempDir } from '../support/server-process.js';

/**
 * `connect`, `caRoots` and `caLeaf` on a real Consul 1.2 dev agent, which runs the built-in
 * Connect CA: the leaf verifies against the active root, `connect` lists Connect-capable
 * instances only, and its blocking query sees a new one.
 */

const consul = findBinary('consul', '', 'Consul Connect functions', "put Consul 1.2 on PATH (it is no Debian package; CI unpacks it)");

async function register(agent: TestConsul, service: object): Promise<void> {
  const response = await request(`${agent.url}/v1/agent/service/register`, { method: 'PUT', body: JSON.stringify(service) });
  const text = await response.body.text();
  assert.equal(response.statusCode, 200, text);
}

async function runOnce(agent: TestConsul, dir: string, templates: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(['-once', '-consul-addr', agent.url, '-log-level', 'warn', ...templates.flatMap((t) => ['-template', t])], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: dir,
    signal: new AbortController().signal,
  });
  return { code, stderr };
}

describe('Consul Connect functions on a real agent', { skip: consul.skip }, () => {
  let agent: TestConsul;
  let dir: string;

  before(async () => {
    agent = await startConsulAgent({ binary: consul.path! });
    dir = await makeTempDir('connect');
    await register(agent, { ID: 'web1', Name: 'web', Port: 8080, Connect: { Native: true } });
    await register(agent, { ID: 'db1', Name: 'db', Port: 5432 });
  });

  after(async () => {
    await agent?.close();
    if (dir) await removeTempDir(dir);
  });

  it('renders the active root and a leaf for a service that verifies against it', async () => {
    const templates = {
      'roots.tmpl': '{{ range caRoots }}{{ if .Active }}{{ .RootCertPEM }}{{ end }}{{ end }}',
      'leaf.tmpl': '{{ with caLeaf "web" }}{{ .CertPEM }}{{ .PrivateKeyPEM }}{{ end }}',
      'meta.tmpl': '{{ with caLeaf "web" }}{{ .Service }} {{ .ServiceURI }} {{ .SerialNumber }} {{ .ValidBefore.Format "2006-01-02T15:04:05Z07:00" }}{{ end }}',
      'connect.tmpl': '{{ range connect "web" }}{{ .Name }}/{{ .ID }}:{{ .Port }} {{ .Status }}{{ end }}|{{ range connect "db" }}{{ .ID }}{{ end }}|{{ len (caRoots) }}',
    };
    for (const [name, text] of Object.entries(templates)) await writeFile(join(dir, name), text);
    const outcome = await runOnce(agent, dir, Object.keys(templates).map((name) => `${join(dir, name)}:${join(dir, name.replace('.tmpl', '.out'))}`));
    assert.equal(outcome.code, 0, outcome.stderr);
    const root = new X509Certificate(await readFile(join(dir, 'roots.out'), 'utf8'));
    const leafPem = await readFile(join(dir, 'leaf.out'), 'utf8');
    const leaf = new X509Certificate(leafPem);
    assert.ok(root.ca, 'the root is a CA');
    assert.ok(leaf.verify(root.publicKey), 'the leaf is signed by the active root');
    assert.ok(leaf.checkPrivateKey(createPrivateKey(leafPem.slice(leafPem.indexOf('-----BEGIN EC PRIVATE KEY')))), 'the key is the leaf’s');
    assert.match(leaf.subjectAltName ?? '', /URI:spiffe:\/\/[^,]+\/svc\/web/);
    const meta = (await readFile(join(dir, 'meta.out'), 'utf8')).split(' ');
    assert.equal(meta[0], 'web');
    assert.match(meta[1]!, /^spiffe:\/\/\S+\/svc\/web$/);
    assert.equal(meta[2], leaf.serialNumber.replace(/^0+(?=.)/, '').toLowerCase().padStart(2, '0'), 'Consul’s serial is the certificate’s');
    assert.equal(Date.parse(meta[3]!), Date.parse(leaf.validTo), 'ValidBefore is the certificate’s notAfter');
    assert.equal(await readFile(join(dir, 'connect.out'), 'utf8'), 'web/web1:8080 passing||1');
  });

  it('follows connect with a blocking query: a new Connect-capable instance shows up', async () => {
    const backend = createConsulBackend({ address: agent.url, blockingWaitMs: 10_000 });
    const dep: Dependency = { type: 'health.service', name: 'web', filters: ['passing'], connect: true };
    const controller = new AbortController();
    try {
      const first = await backend.snapshot(dep, controller.signal);
      assert.deepEqual((first.data as HealthService[]).map((s) => s.ID), ['web1']);
      const changes = backend.changes(dep, first.cursor, controller.signal)[Symbol.asyncIterator]();
      const next = changes.next();
      await register(agent, { ID: 'web2', Name: 'web', Port: 8081, Connect: { Native: true } });
      const changed = await next;
      assert.deepEqual((changed.value!.data as HealthService[]).map((s) => s.ID), ['web1', 'web2']);
    } finally {
      controller.abort();
      await backend.close();
    }
  });
});

describe('connect outside Consul', () => {
  it('is refused by the registrator layout of the key/value backends, which has no Connect', () => {
    const backend = withRegistratorServices(createEnvBackend({ env: {} }), '/services');
    const service: Dependency = { type: 'health.service', name: 'web', filters: ['passing'] };
    assert.equal(backend.supports(service), true);
    assert.equal(backend.supports({ ...service, connect: true }), false);
    assert.equal(backend.supports({ type: 'connect.caroots' }), false);
  });
});
