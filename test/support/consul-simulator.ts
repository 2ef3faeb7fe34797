import { ConsulState, type CheckStatus, type ServiceDefinition, type SimulatorSetup } from './consul-simulator/state.js';
import { SimulatorServer, type ConsulFaults } from './consul-simulator/server.js';

export type { CheckStatus, ServiceDefinition, SimulatorSetup, ConsulFaults };

/**
 * An in-process stand-in for a Consul 1.2 dev agent (node `testnode`, dc `dc1`), answering the
 * HTTP API with the JSON shapes and headers recorded in test/fixtures/consul-1.2.
 */
export interface ConsulSimulatorOptions {
  readonly port?: number;
  /** The management token; ACLs are enforced when given (or when faults.tokenRequired is set). */
  readonly token?: string;
  readonly nodeName?: string;
  readonly datacenter?: string;
  /** Serve https with this certificate and key (PEM files); `url` then starts with https://. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Answer 401 to requests without these Basic credentials (a proxy in front of Consul). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

export interface ConsulSimulator {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly faults: ConsulFaults;
  /** Every request line received, in order. */
  readonly requests: readonly string[];
  /** Loads a conformance `setup.json`: KV pairs, then services (with TTL checks when Status is set). */
  load(setup: SimulatorSetup): void;
  putKey(key: string, value: string, flags?: number): void;
  deleteKey(key: string, recurse?: boolean): void;
  setCheckStatus(serviceId: string, status: CheckStatus | 'maintenance'): void;
  registerService(service: ServiceDefinition): void;
  deregisterService(id: string): void;
  /** Closes the listener and every open connection; data is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data. */
  start(): Promise<void>;
}

const stripSlash = (key: string) => key.replace(/^\/+/, '');

export async function startConsulSimulator(options: ConsulSimulatorOptions = {}): Promise<ConsulSimulator> {
  const state = new ConsulState(options.nodeName ?? 'testnode', options.datacenter ?? 'dc1');
  const token = options.token ?? 'root-token';
  const faults: ConsulFaults = {
    indexGoesBackwards: false, indexZero: false, status500: false, dropConnections: false, slowMs: 0,
    tokenRequired: options.token !== undefined, staleLagMs: 0,
  };
  const server = new SimulatorServer({
    state, faults, token,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}),
  });
  const port = await server.listen(options.port ?? 0);
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    token,
    faults,
    requests: server.requests,
    load: (setup) => state.load(setup),
    putKey: (key, value, flags) => state.putKey(stripSlash(key), value, flags),
    deleteKey: (key, recurse) => void state.deleteKey(stripSlash(key), recurse),
    setCheckStatus: (serviceId, status) => state.setCheckStatus(serviceId, status),
    registerService: (service) => state.registerService(service),
    deregisterService: (id) => state.deregisterService(id),
    stop: () => server.close(),
    start: async () => void (await server.listen(port)),
  };
}
