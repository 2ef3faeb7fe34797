import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, runCliInProcess, startCli, startCliInProcess, waitFor } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { startTestConsul, type TestConsul } from '../support/consul-agent.js';

/** The seed flows of the product brief, through the CLI against each real backend. */
const haproxyTemplate = `backend app
    balance roundrobin
{{- range gets "/app/servers/*"}}
    server {{base .Key}} {{.Value}} check
{{- end}}
`;
const haproxyResource = '[template]\nsrc = "haproxy.tmpl"\ndest = "haproxy.cfg"\nkeys = ["/app/servers"]\n';
const haproxyExpected = (servers: [string, string][]) =>
  `backend app\n    balance roundrobin\n${servers.map(([id, addr]) => `    server ${id} ${addr} check\n`).join('')}`;

interface KvStore {
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

function describeHaproxyFlow(name: string, binary: string, pkg: string, start: () => Promise<{ store: KvStore; args: string[]; close(): Promise<void> }>) {
  const { skip } = findBinary(binary, pkg, `seed flow on ${name}`);
  describe(`the conf.d haproxy flow on ${name}`, { skip }, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let server: Awaited<ReturnType<typeof start>>;
    before(async () => {
      ({ dir, cleanup } = await makeTempDir());
      server = await start();
      await server.store.put('/app/servers/web1', '10.0.0.1:80');
      await server.store.put('/app/servers/web2', '10.0.0.2:80');
      await server.store.put('/apple/servers/x', 'not-ours');
      await writeConfdir(dir, { resources: { 'haproxy.toml': haproxyResource }, templates: { 'haproxy.tmpl': haproxyTemplate } });
    });
    after(async () => {
      await server?.close();
      await cleanup();
    });

    it('renders once', async () => {
      const result = await runCliInProcess(['-onetime', '-confdir', dir, ...server.args], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await readIfExists(join(dir, 'haproxy.cfg')), haproxyExpected([['web1', '10.0.0.1:80'], ['web2', '10.0.0.2:80']]));
    });

    it('rewrites the file when the store changes, in watch mode', async () => {
      const cli = startCliInProcess(['-watch', '-confdir', dir, ...server.args], { cwd: dir });
      try {
        await waitFor(async () => (await readIfExists(join(dir, 'haproxy.cfg')))?.includes('web2'), 'first render');
        await server.store.put('/app/servers/web3', '10.0.0.3:80');
        await server.store.delete('/app/servers/web1');
        const want = haproxyExpected([['web2', '10.0.0.2:80'], ['web3', '10.0.0.3:80']]);
        await waitFor(async () => (await readIfExists(join(dir, 'haproxy.cfg'))) === want, `file to be:\n${want}`);
      } finally {
        assert.equal(await cli.stop(), 0, cli.output());
      }
    });
  });
}

describeHaproxyFlow('etcd', 'etcd', 'etcd-server', async () => {
  const etcd: EtcdServer = await startEtcd();
  return { store: etcd, args: ['-backend', 'etcd', '-node', etcd.url], close: () => etcd.close() };
});

describeHaproxyFlow('redis', 'redis-server', 'redis-server', async () => {
  const redis: RedisServer = await startRedis();
  return { store: redis, args: ['-backend', 'redis', '-node', redis.address], close: () => redis.close() };
});

describe('the consul-template nginx flow on Consul', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let consul: TestConsul;
  const service = (id: string, address: string, port: number) => ({ ID: id, Name: 'nginx', Address: address, Port: port, Tags: [], Status: 'passing' as const });
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    consul = await startTestConsul('the consul-template nginx flow');
    await consul.load({ services: [service('n1', '10.1.0.1', 8080), service('n2', '10.1.0.2', 8080)] });
    await writeFile(join(dir, 'nginx.ctmpl'), 'upstream nginx {\n{{- range service "nginx"}}\n  server {{.Address}}:{{.Port}};\n{{- end}}\n}\n');
  });
  after(async () => {
    await consul?.close();
    await cleanup();
  });

  it('renders the upstream, follows a failing check and runs the command', async () => {
    // Spawned: the reload command runs in the CLI's own working directory.
    const cli = startCli(['-template', 'nginx.ctmpl:nginx.conf:echo reloaded >> reloads', '-consul-addr', `127.0.0.1:${consul.port}`], { cwd: dir });
    try {
      await waitFor(async () => (await readIfExists(join(dir, 'nginx.conf'))) === 'upstream nginx {\n  server 10.1.0.1:8080;\n  server 10.1.0.2:8080;\n}\n', 'first render');
      await consul.setCheckStatus('n1', 'critical');
      await waitFor(async () => (await readIfExists(join(dir, 'nginx.conf'))) === 'upstream nginx {\n  server 10.1.0.2:8080;\n}\n', 'n1 dropped');
      await waitFor(async () => (await readIfExists(join(dir, 'reloads'))) === 'reloaded\nreloaded\n', 'two reloads');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });
});
