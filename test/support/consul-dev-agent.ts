import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from './ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from './server-process.js';

/** A real `consul agent -dev` on free loopback ports, for differential tests against consul-template. */
export interface ConsulDevAgent {
  /** host:port of the HTTP API. */
  readonly address: string;
  putKey(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the agent (binary `consul` on PATH); resolves once it has a leader. */
export function startConsulDevAgent(binary = 'consul'): Promise<ConsulDevAgent> {
  return retryOnPortClash(() => startOnce(binary));
}

async function startOnce(binary: string): Promise<ConsulDevAgent> {
  const dir = await makeTempDir('consul-dev');
  const [http, dns, serfLan, serfWan, server] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const address = `127.0.0.1:${http}`;
  const args = [
    'agent', '-dev', '-node', 'testnode', '-bind', '127.0.0.1', '-client', '127.0.0.1', '-data-dir', join(dir, 'data'),
    '-http-port', String(http), '-dns-port', String(dns),
    '-hcl', `ports { serf_lan = ${serfLan}, serf_wan = ${serfWan}, server = ${server} }`,
  ];
  const agent = new ServerProcess(binary, args, join(dir, 'consul.log'));
  const hasLeader = async () => {
    const response = await request(`http://${address}/v1/status/leader`);
    return /"\S+"/.test(await response.body.text());
  };
  try {
    await agent.start(hasLeader);
  } catch (error) {
    await agent.stop();
    await removeTempDir(dir);
    throw error;
  }
  return {
    address,
    async putKey(key, value) {
      const response = await request(`http://${address}/v1/kv/${key}`, { method: 'PUT', body: value });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`consul PUT ${key}: ${response.statusCode}`);
    },
    async close() {
      await agent.stop();
      await removeTempDir(dir);
    },
  };
}
