import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, startCli, waitFor, type RunningCli } from '../support/cli.js';
import { findConsul, startConsulAgent, type TestConsul } from '../support/consul-agent.js';
import { request } from '../support/http.js';
import { freePort } from '../support/ports.js';

const consulBinary = findConsul('the haproxy fleet flow');
const { skip: noHaproxy } = findBinary('haproxy', 'haproxy', 'the haproxy fleet flow');

/** One template for the whole fleet: each host's own port comes from its environment, which is not shared data. */
const template = `global
    pidfile {{ env "PROXY_DIR" }}/haproxy.pid
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend web
    bind 127.0.0.1:{{ env "PROXY_PORT" }}
    default_backend app
backend app
    balance roundrobin
{{- range service "web" }}
    server {{ .ID }} {{ .Address }}:{{ .Port }}
{{- end }}
`;

/**
 * The seed flow at fleet scale: three haproxy instances, each fed by its own ctmpl in fleet mode
 * (-dedup) from one real Consul, traffic through each of them to small HTTP backends; services
 * registered and deregistered, followed by the traffic of every proxy.
 */
describe('the haproxy flow at fleet scale (-dedup)', { skip: !consulBinary ? 'needs a real consul agent' : noHaproxy ?? false }, () => {
  const proxies = [1, 2, 3];
  let consul: TestConsul;
  let dir: string;
  let cleanup: () => Promise<void>;
  const backends = new Map<string, { server: Server; port: number }>();
  const instances: RunningCli[] = [];
  const ports = new Map<number, number>();

  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-fleet-haproxy-'));
    consul = await startConsulAgent({ binary: consulBinary! });
    for (const name of ['web1', 'web2', 'web3']) {
      const server = createServer((_req, res) => res.end(name));
      const port = await freePort();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      backends.set(name, { server, port });
    }
    await writeFile(join(dir, 'haproxy.ctmpl'), template);
  });
  after(async () => {
    await Promise.all(instances.map((cli) => cli.stop()));
    for (const n of proxies) {
      const pid = Number((await readFile(join(dir, `p${n}`, 'haproxy.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
    for (const { server } of backends.values()) server.close();
    await consul?.close();
    await cleanup?.();
  });

  const register = (name: string) => consul.registerService({ ID: name, Name: 'web', Address: '127.0.0.1', Port: backends.get(name)!.port, Tags: [], Status: 'passing' });

  /** The backends that answered 12 requests through proxy `n`. */
  async function reached(n: number): Promise<string[]> {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const response = await request(`http://127.0.0.1:${ports.get(n)}/`, { headersTimeout: 2_000, bodyTimeout: 2_000 }).catch(() => undefined);
      if (response?.statusCode === 200) seen.add(await response.body.text());
      else await response?.body.dump();
    }
    return [...seen].sort();
  }
  const allReach = (names: string[], what: string) =>
    waitFor(async () => (await Promise.all(proxies.map(reached))).every((seen) => seen.join() === names.join()), what, 20_000, 100);

  it('every proxy routes to the registered backends, and follows registrations and deregistrations', async () => {
    await register('web1');
    await register('web2');
    for (const n of proxies) {
      const proxyDir = join(dir, `p${n}`);
      const port = await freePort();
      ports.set(n, port);
      const reload = `haproxy -f ${proxyDir}/haproxy.cfg -D -sf $(cat ${proxyDir}/haproxy.pid 2>/dev/null)`;
      instances.push(startCli([
        '-consul-addr', `127.0.0.1:${consul.port}`, '-dedup',
        '-template', `haproxy.ctmpl:${proxyDir}/haproxy.cfg:${reload}`,
      ], { cwd: dir, env: { PROXY_DIR: proxyDir, PROXY_PORT: String(port) } }));
    }
    await allReach(['web1', 'web2'], 'every proxy routing to web1 and web2');
    const leaders = instances.filter((cli) => /leading:/.test(cli.output()));
    assert.equal(leaders.length, 1, 'one ctmpl watches Consul for the fleet');
    await register('web3');
    await allReach(['web1', 'web2', 'web3'], 'every proxy routing to web3 too');
    await consul.deregisterService('web1');
    await allReach(['web2', 'web3'], 'no proxy routing to web1 any more');
  });
});
