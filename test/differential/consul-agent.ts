/**
 * A real Consul dev agent for the differential suite (every port chosen at run time), with the
 * few API calls the suite needs: put keys, register services, wait for the catalog.
 */
import { request } from 'undici';
import { freePort } from '../support/ports.js';
import { makeTempDir, removeTempDir, retryOnPortClash, ServerProcess } from '../support/server-process.js';
import { join } from 'node:path';

export interface ConsulAgent {
  readonly addr: string;
  put(key: string, value: string, flags?: bigint): Promise<void>;
  registerService(definition: Record<string, unknown>): Promise<void>;
  /** Resolves once the health endpoint lists `count` instances of `name` (any status). */
  waitForService(name: string, count: number): Promise<void>;
  stop(): Promise<void>;
}

async function call(addr: string, method: 'GET' | 'PUT', path: string, body?: string): Promise<string> {
  const response = await request(`http://${addr}${path}`, { method, ...(body === undefined ? {} : { body }) });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
  return text;
}

/** Starts `consul agent -dev` on free loopback ports; resolves when it has a leader. */
export async function startConsulAgent(binary: string): Promise<ConsulAgent> {
  const dir = await makeTempDir('diff-consul');
  const server = await retryOnPortClash(async () => {
    const [http, dns, serfLan, serfWan, rpc] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const args = [
      'agent', '-dev', '-node', 'testnode', '-bind', '127.0.0.1', '-client', '127.0.0.1',
      '-http-port', String(http), '-dns-port', String(dns),
      '-hcl', `ports { serf_lan = ${serfLan}, serf_wan = ${serfWan}, server = ${rpc} }`,
    ];
    const process = new ServerProcess(binary, args, join(dir, 'consul.log'));
    const addr = `127.0.0.1:${http}`;
    await process.start(async () => /"\S+"/.test(await call(addr, 'GET', '/v1/status/leader')), 30_000);
    return { process, addr };
  });
  const { addr } = server;
  return {
    addr,
    put: async (key, value, flags) => {
      await call(addr, 'PUT', `/v1/kv/${key.split('/').map(encodeURIComponent).join('/')}${flags === undefined ? '' : `?flags=${flags}`}`, value);
    },
    registerService: async (definition) => {
      await call(addr, 'PUT', '/v1/agent/service/register', JSON.stringify(definition));
    },
    waitForService: async (name, count) => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        const list = JSON.parse(await call(addr, 'GET', `/v1/health/service/${name}`)) as unknown[];
        if (list.length >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`consul: service ${name} not listed ${count} times within 20 s`);
    },
    stop: async () => {
      await server.process.stop();
      await removeTempDir(dir);
    },
  };
}
