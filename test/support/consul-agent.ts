import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { request } from './http.js';
import { waitFor } from './cli.js';
import { startConsulSimulator, type CheckStatus, type ServiceDefinition, type SimulatorSetup } from './consul-simulator.js';
import { freePort } from './ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from './server-process.js';

/**
 * A Consul for tests: a real `consul agent -dev` when `consul` is on PATH, else the in-process
 * simulator (said loudly on stderr; under CI=true a missing consul fails instead). Both answer
 * the same HTTP API on 127.0.0.1 and are driven through the same async methods.
 */
export interface TestConsul {
  readonly kind: 'agent' | 'simulator';
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Loads a conformance `setup.json`: KV pairs, then services; resolves once the catalog lists them. */
  load(setup: SimulatorSetup): Promise<void>;
  /** `flags`: the key's uint64 Flags (a real agent only; the simulator keeps none). */
  putKey(key: string, value: string, flags?: bigint): Promise<void>;
  deleteKey(key: string, recurse?: boolean): Promise<void>;
  /** Registers a service (with a TTL check set to its Status); resolves once its health shows it. */
  registerService(service: ServiceDefinition): Promise<void>;
  /** Sets the service's TTL check; 'maintenance' puts the service in maintenance mode instead. */
  setCheckStatus(serviceId: string, status: CheckStatus | 'maintenance'): Promise<void>;
  deregisterService(id: string): Promise<void>;
  /** Deletes every key and deregisters every service a test registered. */
  clear(): Promise<void>;
  /** Stops and starts it again on the same port (a dev agent comes back empty, its index reset). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface ConsulAgentOptions {
  readonly binary?: string;
  /** Turns ACLs on (default deny) with this management token, which the helper itself then sends. */
  readonly aclToken?: string;
}

/** The path of `consul` on PATH, or undefined; logs the fallback, and throws under CI=true. */
export function findConsul(suite: string): string | undefined {
  try {
    const path = execFileSync('sh', ['-c', 'command -v consul'], { encoding: 'utf8' }).trim();
    if (path) return path;
  } catch {
    // not found: handled below
  }
  const reason = `${suite}: 'consul' not on PATH; running on the Consul SIMULATOR instead of a real agent`;
  if (process.env.CI === 'true') throw new Error(`${reason} (a real consul is required under CI)`);
  process.stderr.write(`WARNING ${reason}\n`);
  return undefined;
}

/** Starts a real agent when `consul` is on PATH, else the simulator (see `findConsul`). */
export async function startTestConsul(suite: string): Promise<TestConsul> {
  const binary = findConsul(suite);
  return binary ? startConsulAgent({ binary }) : simulatedConsul();
}

async function simulatedConsul(): Promise<TestConsul> {
  const sim = await startConsulSimulator();
  const registered = new Set<string>();
  return {
    kind: 'simulator',
    url: sim.url,
    port: sim.port,
    load: async (setup) => {
      for (const service of setup.services ?? []) registered.add(service.ID);
      sim.load(setup);
    },
    putKey: async (key, value, flags) => {
      if (flags !== undefined) throw new Error('the Consul simulator keeps no KV flags');
      sim.putKey(key, value);
    },
    deleteKey: async (key, recurse) => sim.deleteKey(key, recurse),
    registerService: async (service) => {
      registered.add(service.ID);
      sim.registerService(service);
    },
    setCheckStatus: async (id, status) => sim.setCheckStatus(id, status),
    deregisterService: async (id) => sim.deregisterService(id),
    clear: async () => {
      sim.deleteKey('', true);
      for (const id of registered) sim.deregisterService(id);
      registered.clear();
    },
    restart: async () => {
      await sim.stop();
      await sim.start();
    },
    close: () => sim.stop(),
  };
}

/** Starts `consul agent -dev` on five free loopback ports in a temp dir; resolves when it has a leader. */
export async function startConsulAgent(options: ConsulAgentOptions = {}): Promise<TestConsul> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await retryOnPortClash(() => startConsulAgentOnce(options));
    } catch (error) {
      // Consul 1.2 sometimes wins its dev election before autopilot is set up and panics; a fresh start does not.
      if (attempt >= 3 || !String(error).includes('panic:')) throw error;
    }
  }
}

function aclHcl(token: string | undefined): string[] {
  if (!token) return [];
  return ['acl_datacenter = "dc1"', `acl_master_token = "${token}"`, 'acl_default_policy = "deny"'];
}

async function startConsulAgentOnce(options: ConsulAgentOptions): Promise<TestConsul> {
  const dir = await makeTempDir('consul');
  const [http, dns, serfLan, serfWan, serverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const args = [
    'agent', '-dev', '-node', 'testnode', '-bind', '127.0.0.1', '-client', '127.0.0.1', '-data-dir', join(dir, 'data'),
    '-http-port', String(http), '-dns-port', String(dns),
    '-hcl', `ports { serf_lan = ${serfLan}, serf_wan = ${serfWan}, server = ${serverPort} }`,
    ...aclHcl(options.aclToken).flatMap((hcl) => ['-hcl', hcl]),
  ];
  const agentProcess = new ServerProcess(options.binary ?? 'consul', args, join(dir, 'consul.log'));
  const url = `http://127.0.0.1:${http}`;
  const api = consulApi(url, options.aclToken);
  // A graceful stop waits for open blocking queries (up to their ?wait=); a dev agent has nothing to save.
  const stop = () => agentProcess.stop(1_000);
  const start = async () => {
    await agentProcess.start(async () => /^"[^"]+"$/.test((await api('GET', '/v1/status/leader')).body.trim()));
    // The agent registers its own node and `consul` service a moment after the election.
    await waitFor(async () => (await api('GET', '/v1/health/service/consul')).body.includes('"serfHealth"'), 'the agent in its catalog');
  };
  try {
    await start();
  } catch (error) {
    await stop();
    await removeTempDir(dir);
    throw error;
  }
  const agent = new AgentDriver(api);
  return {
    kind: 'agent',
    url,
    port: http,
    load: (setup) => agent.load(setup),
    putKey: (key, value, flags) => agent.putKey(key, value, flags),
    deleteKey: (key, recurse) => agent.deleteKey(key, recurse),
    registerService: (service) => agent.registerServices([service]),
    setCheckStatus: (id, status) => agent.setCheckStatus(id, status),
    deregisterService: (id) => agent.deregisterService(id),
    clear: () => agent.clear(),
    async restart() {
      await stop();
      agent.forget();
      await start();
    },
    async close() {
      await stop();
      await removeTempDir(dir);
    },
  };
}

type Api = (method: string, path: string, body?: string) => Promise<{ status: number; body: string }>;

function consulApi(url: string, token: string | undefined): Api {
  const headers = token ? { 'x-consul-token': token } : {};
  return async (method, path, body) => {
    const response = await request(`${url}${path}`, { method: method as 'GET', headers, ...(body === undefined ? {} : { body }) });
    const text = await response.body.text();
    if (response.statusCode >= 500 || response.statusCode === 400) throw new Error(`consul ${method} ${path}: ${response.statusCode} ${text}`);
    return { status: response.statusCode, body: text };
  };
}

const CHECK_VERBS: Record<CheckStatus, string> = { passing: 'pass', warning: 'warn', critical: 'fail' };
const encodeKey = (key: string) => key.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');

/** Writes to a real agent the way the conformance recordings did, and waits for the catalog to follow. */
class AgentDriver {
  readonly #api: Api;
  readonly #services = new Map<string, ServiceDefinition>();

  constructor(api: Api) {
    this.#api = api;
  }

  async load(setup: SimulatorSetup): Promise<void> {
    for (const [key, value] of Object.entries(setup.kv ?? {})) await this.putKey(key, value);
    await this.registerServices(setup.services ?? []);
  }

  async putKey(key: string, value: string, flags?: bigint): Promise<void> {
    await this.#api('PUT', `/v1/kv/${encodeKey(key)}${flags === undefined ? '' : `?flags=${flags}`}`, value);
  }

  async deleteKey(key: string, recurse = false): Promise<void> {
    await this.#api('DELETE', `/v1/kv/${encodeKey(key)}${recurse ? '?recurse' : ''}`);
  }

  /** Registers the services (TTL check `chk-ID` named `ttl` when Status is set) and waits for their health. */
  async registerServices(services: readonly ServiceDefinition[]): Promise<void> {
    for (const service of services) {
      const { Status, ...definition } = service;
      const check = Status === undefined ? {} : { Check: { CheckID: `chk-${service.ID}`, Name: 'ttl', TTL: '24h' } };
      await this.#api('PUT', '/v1/agent/service/register', JSON.stringify({ ...definition, ...check }));
      this.#services.set(service.ID, service);
      if (Status !== undefined && Status !== 'critical') await this.setCheckStatus(service.ID, Status);
    }
    for (const name of new Set(services.map((s) => s.Name))) await this.#waitForHealth(name);
  }

  async setCheckStatus(serviceId: string, status: CheckStatus | 'maintenance'): Promise<void> {
    if (status === 'maintenance') {
      await this.#api('PUT', `/v1/agent/service/maintenance/${encodeURIComponent(serviceId)}?enable=true`);
      return;
    }
    await this.#api('PUT', `/v1/agent/check/${CHECK_VERBS[status]}/chk-${serviceId}`);
    const service = this.#services.get(serviceId);
    if (service) this.#services.set(serviceId, { ...service, Status: status });
  }

  async deregisterService(id: string): Promise<void> {
    const service = this.#services.get(id);
    await this.#api('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`);
    this.#services.delete(id);
    if (service) await this.#waitForHealth(service.Name);
  }

  /** Drops what it registered (after a restart, the dev agent has forgotten it). */
  forget(): void {
    this.#services.clear();
  }

  async clear(): Promise<void> {
    await this.deleteKey('', true);
    for (const id of [...this.#services.keys()]) await this.deregisterService(id);
  }

  /** Anti-entropy is asynchronous: waits until the catalog's health of `name` matches what was registered. */
  async #waitForHealth(name: string): Promise<void> {
    const want = [...this.#services.values()].filter((s) => s.Name === name);
    const expected = want.map((s) => `${s.ID}:${s.Status ?? ''}`).sort().join(' ');
    await waitFor(async () => {
      const entries = JSON.parse((await this.#api('GET', `/v1/health/service/${encodeURIComponent(name)}`)).body) as HealthEntry[];
      return entries.map(describeEntry).sort().join(' ') === expected;
    }, `health of service ${name} to list ${expected || 'nothing'}`);
  }
}

interface HealthEntry {
  readonly Service: { readonly ID: string };
  readonly Checks: readonly { readonly CheckID: string; readonly Status: string }[];
}

function describeEntry(entry: HealthEntry): string {
  const own = entry.Checks.find((check) => check.CheckID === `chk-${entry.Service.ID}`);
  return `${entry.Service.ID}:${own?.Status ?? ''}`;
}
