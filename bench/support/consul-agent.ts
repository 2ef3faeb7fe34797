import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../../test/support/ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from '../../test/support/server-process.js';

/** A real `consul agent -dev` on loopback ports chosen at run time, in its own temp dir. */
export interface ConsulAgent {
  /** "127.0.0.1:<http port>", the form -consul-addr takes. */
  readonly address: string;
  /** PUT /v1/kv/<key>. */
  put(key: string, value: string): Promise<void>;
  /** Registers `count` instances of `service` through the catalog (faster than the agent API), spread over external nodes. */
  registerInstances(service: string, count: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts `consul agent -dev` (the binary on PATH) and waits until it has a leader. */
export function startConsulAgent(): Promise<ConsulAgent> {
  return retryOnPortClash(startConsulAgentOnce);
}

async function startConsulAgentOnce(): Promise<ConsulAgent> {
  const dir = await makeTempDir('consul');
  const [http, dns, serfLan, serfWan, server] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const args = [
    'agent', '-dev', '-node', 'benchnode', '-bind', '127.0.0.1', '-client', '127.0.0.1', '-data-dir', join(dir, 'data'),
    '-http-port', String(http), '-dns-port', String(dns),
    '-hcl', `ports { serf_lan = ${serfLan}, serf_wan = ${serfWan}, server = ${server} }`,
  ];
  const process = new ServerProcess('consul', args, join(dir, 'consul.log'));
  const base = `http://127.0.0.1:${http}`;
  const call = async (method: 'GET' | 'PUT', path: string, body?: string) => {
    const response = await request(`${base}${path}`, { method, ...(body === undefined ? {} : { body }) });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`consul ${method} ${path}: ${response.statusCode} ${text}`);
    return text;
  };
  try {
    await process.start(async () => /^"[^"]+"$/.test((await call('GET', '/v1/status/leader')).trim()));
  } catch (error) {
    await process.stop();
    await removeTempDir(dir);
    throw error;
  }
  return {
    address: `127.0.0.1:${http}`,
    put: async (key, value) => void (await call('PUT', `/v1/kv/${key}`, value)),
    async registerInstances(service, count) {
      // One chain per node: concurrent first registrations of one node name race in the catalog.
      const nodes = Math.ceil(count / perNode);
      await Promise.all(Array.from({ length: nodes }, async (_, node) => {
        for (let i = node * perNode; i < Math.min(count, (node + 1) * perNode); i++) {
          await call('PUT', '/v1/catalog/register', JSON.stringify(catalogEntry(service, i)));
        }
      }));
    },
    async close() {
      await process.stop();
      await removeTempDir(dir);
    },
  };
}

const perNode = 100;

/** Instance `i` of `service` on external node `ext-<i / perNode>`, with its own address. */
function catalogEntry(service: string, i: number) {
  const node = `ext-${Math.floor(i / perNode)}`;
  return {
    Node: node,
    // A fixed node ID: without one Consul 1.2 may make up a new one per call and refuse the known name.
    ID: `00000000-0000-4000-8000-${String(Math.floor(i / perNode)).padStart(12, '0')}`,
    Address: `10.2.0.${Math.floor(i / perNode) & 255}`,
    Service: { ID: `${service}-${i}`, Service: service, Address: `10.1.${(i >> 8) & 255}.${i & 255}`, Port: 8080, Tags: ['v1'] },
    Check: { Node: node, CheckID: `service:${service}-${i}`, Name: 'alive', Status: 'passing', ServiceID: `${service}-${i}` },
  };
}
