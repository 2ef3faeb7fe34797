import { request } from '../../test/support/http.js';
import { startConsulAgent as startTestAgent } from '../../test/support/consul-agent.js';

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

/** Starts `consul agent -dev` (the binary on PATH, through the tests' starter) and waits until it has a leader. */
export async function startConsulAgent(): Promise<ConsulAgent> {
  const agent = await startTestAgent();
  const registerOne = async (entry: ReturnType<typeof catalogEntry>) => {
    const response = await request(`${agent.url}/v1/catalog/register`, { method: 'PUT', body: JSON.stringify(entry) });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`consul PUT /v1/catalog/register: ${response.statusCode} ${text}`);
  };
  return {
    address: `127.0.0.1:${agent.port}`,
    put: (key, value) => agent.putKey(key, value),
    async registerInstances(service, count) {
      // One chain per node: concurrent first registrations of one node name race in the catalog.
      const nodes = Math.ceil(count / perNode);
      await Promise.all(Array.from({ length: nodes }, async (_, node) => {
        for (let i = node * perNode; i < Math.min(count, (node + 1) * perNode); i++) await registerOne(catalogEntry(service, i));
      }));
    },
    close: () => agent.close(),
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
