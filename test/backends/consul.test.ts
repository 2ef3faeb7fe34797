import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createConsulBackend, type ConsulOptions } from '../../src/backends/consul.js';
import type { Backend, CatalogNodeServices, CatalogService, HealthService, KvList } from '../../src/backends/backend.js';
import type { Dependency, HealthFilter } from '../../src/types/dependency.js';
import { CtmplError } from '../../src/errors.js';
import { describeBackendContract } from './contract.js';
import { findConsul, startConsulAgent, startTestConsul, type TestConsul } from '../support/consul-agent.js';
import { startConsulSimulator, type ConsulSimulator, type SimulatorSetup } from '../support/consul-simulator.js';
import { freePort } from '../support/ports.js';
import { waitForData, waitForEvent, withWatch } from '../support/watch.js';

const SETUP: SimulatorSetup = JSON.parse(
  readFileSync(new URL('../fixtures/conformance/consul/service_any/setup.json', import.meta.url), 'utf8'),
);

const signal = () => AbortSignal.timeout(10_000);

async function seededSimulator(options: { token?: string } = {}): Promise<ConsulSimulator> {
  const sim = await startConsulSimulator({ ...options, port: await freePort() });
  sim.load(SETUP);
  return sim;
}

function backendFor(consul: { readonly url: string }, options: Partial<ConsulOptions> = {}): Backend {
  return createConsulBackend({ address: consul.url, blockingWaitMs: 60_000, minRequeryMs: 10, ...options });
}

// One Consul for the file: a real agent when `consul` is on PATH; each suite clears it first.
let consul: TestConsul;
before(async () => (consul = await startTestConsul('consul backend tests')));
after(() => consul?.close());

async function seededConsul(): Promise<TestConsul> {
  await consul.clear();
  await consul.load(SETUP);
  return consul;
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeBackendContract('consul', async () => {
  await consul.clear();
  // After a restart the agent's index starts again below the watch's, so its next query waits out ?wait=.
  const backend = backendFor(consul, { blockingWaitMs: 1_000 });
  return {
    backend,
    put: (key, value) => consul.putKey(key, value),
    delete: (key) => consul.deleteKey(key),
    restart: () => consul.restart(),
    close: () => backend.close(),
  };
});

const web = (filters: HealthFilter[], extra: { tag?: string; dc?: string; near?: string } = {}): Dependency => ({
  type: 'health.service', name: 'web', filters, ...extra,
});

const HEALTH_CASES: readonly { title: string; dep: Dependency; expected: string[] }[] = [
  { title: 'passing keeps only healthy instances', dep: web(['passing']), expected: ['web1 passing', 'web4 passing'] },
  { title: 'no filter means passing', dep: web([]), expected: ['web1 passing', 'web4 passing'] },
  { title: 'any keeps every instance', dep: web(['any']), expected: ['web1 passing', 'web2 warning', 'web3 critical', 'web4 passing'] },
  { title: 'critical keeps the failing one', dep: web(['critical']), expected: ['web3 critical'] },
  { title: 'warning and critical combine', dep: web(['warning', 'critical']), expected: ['web2 warning', 'web3 critical'] },
  { title: 'a tag narrows the instances', dep: web(['any'], { tag: 'prod' }), expected: ['web1 passing', 'web2 warning', 'web4 passing'] },
  { title: 'a named datacenter is queried', dep: web(['passing'], { dc: 'dc1' }), expected: ['web1 passing', 'web4 passing'] },
  { title: 'near keeps Consul’s order', dep: web(['passing'], { near: '_agent' }), expected: ['web1 passing', 'web4 passing'] },
  { title: 'a missing service is empty', dep: { type: 'health.service', name: 'nope', filters: ['any'] }, expected: [] },
];

describe('consul backend reads the catalog like consul-template', () => {
  let backend: Backend;
  before(async () => (backend = backendFor(await seededConsul())));
  after(() => backend.close());

  for (const { title, dep, expected } of HEALTH_CASES) {
    it(`health.service: ${title}`, async () => {
      const services = (await backend.snapshot(dep, signal())).data as HealthService[];
      assert.deepEqual(services.map((s) => `${s.ID} ${s.Status}`), expected);
    });
  }

  it('maps a health entry to consul-template’s fields, the address falling back to the node’s', async () => {
    const services = (await backend.snapshot(web(['passing']), signal())).data as HealthService[];
    const [web1, web4] = services;
    assert.deepEqual(
      [web1?.Node, web1?.NodeAddress, web1?.Name, web1?.Address, web1?.Port, web1?.Tags, web1?.ServiceMeta],
      ['testnode', '127.0.0.1', 'web', '10.0.0.1', 8001, ['prod', 'v2'], { weight: '3', zone: 'a' }],
    );
    assert.deepEqual(web1?.Checks.map((c) => c.CheckID), ['serfHealth', 'chk-web1']);
    assert.equal(web4?.Address, '127.0.0.1');
    assert.deepEqual(web4?.ServiceMeta, {});
  });

  it('lists services sorted by name with sorted tags', async () => {
    const services = (await backend.snapshot({ type: 'catalog.services' }, signal())).data as CatalogService[];
    assert.deepEqual(services.map((s) => `${s.Name}=${s.Tags.join(',')}`), ['api=internal', 'consul=', 'db=', 'web=canary,prod,v2']);
  });

  it('reads the agent’s own node when no name is given, and null for an unknown node', async () => {
    const node = (await backend.snapshot({ type: 'catalog.node' }, signal())).data as CatalogNodeServices;
    assert.equal(node.Node.Node, 'testnode');
    assert.deepEqual(node.Services.map((s) => s.ID), ['api1', 'consul', 'db1', 'web1', 'web2', 'web3', 'web4']);
    assert.equal((await backend.snapshot({ type: 'catalog.node', name: 'nope' }, signal())).data, null);
  });

  it('lists nodes and datacenters', async () => {
    const nodes = (await backend.snapshot({ type: 'catalog.nodes' }, signal())).data as { Node: string; Address: string }[];
    assert.deepEqual(nodes.map((n) => `${n.Node} ${n.Address}`), ['testnode 127.0.0.1']);
    assert.deepEqual((await backend.snapshot({ type: 'catalog.datacenters' }, signal())).data, ['dc1']);
  });

  it('decodes empty values and keeps folder keys with their trailing slash', async () => {
    assert.equal((await backend.snapshot({ type: 'kv.get', key: '/app/empty' }, signal())).data, '');
    const folder = (await backend.snapshot({ type: 'kv.list', prefix: '/app/folder' }, signal())).data as KvList;
    assert.deepEqual([...folder], [['/app/folder/', '']]);
    const root = (await backend.snapshot({ type: 'kv.list', prefix: '/' }, signal())).data as KvList;
    assert.equal(root.get('/app/json'), '{"a":1,"b":[1,2],"c":{"d":"e"}}');
    assert.equal(root.size, Object.keys(SETUP.kv ?? {}).length);
  });

  it('names the address and Consul’s answer when a datacenter is unknown', async () => {
    await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/app/name', dc: 'mars' }, signal()), (error: unknown) => {
      assert.ok(error instanceof CtmplError);
      assert.equal(error.code, 'BACKEND');
      assert.match(error.message, new RegExp(`^consul ${consul.url}: GET /v1/kv/app/name\\?dc=mars: 500 No path to datacenter$`));
      return true;
    });
  });
});

describe('consul backend watches', () => {
  let backend: Backend;
  let quiet: Backend;
  const logs: string[] = [];
  before(async () => {
    await seededConsul();
    backend = backendFor(consul);
    quiet = backendFor(consul, { blockingWaitMs: 300, log: (_level, message) => logs.push(message) });
  });
  after(async () => {
    await backend.close();
    await quiet.close();
  });

  it('is woken by a write while its blocking query waits', async () => {
    await withWatch(backend, { type: 'kv.get', key: '/app/name' }, async (events) => {
      await waitForData(events, (d) => d === 'shop');
      await consul.putKey('app/name', 'shop2');
      await waitForData(events, (d) => d === 'shop2');
    });
  });

  it('sees a health change when a check fails', async () => {
    await withWatch(backend, web(['passing']), async (events) => {
      const ids = (d: unknown) => (d as HealthService[]).map((s) => s.ID).join(' ');
      await waitForData(events, (d) => ids(d) === 'web1 web4');
      await consul.setCheckStatus('web1', 'critical');
      await waitForData(events, (d) => ids(d) === 'web4');
      await consul.setCheckStatus('web4', 'maintenance');
      await waitForData(events, (d) => ids(d) === '');
    });
  });

  it('does not emit when Consul wakes it with the same contents', async () => {
    await withWatch(quiet, { type: 'kv.get', key: '/app/later' }, async (events) => {
      await waitForData(events, (d) => d === null);
      const next = waitForEvent(events, (e) => e.kind === 'data');
      // A missing key's index is the whole KV table's, so an unrelated write wakes the query.
      await consul.putKey('unrelated', 'x');
      await waitFor(() => logs.some((m) => m.includes('kv.get(/app/later): index') && m.includes('contents unchanged')));
      await consul.putKey('app/later', 'now');
      const event = await next;
      assert.equal(event.kind === 'data' && event.snapshot.data, 'now');
    });
  });
});

describe('consul backend lists a prefix as the peers do', () => {
  let backend: Backend;
  before(async () => {
    await consul.clear();
    for (const key of ['database/host', 'database/host/replica', 'database/hostname', 'database/port']) await consul.putKey(key, key);
    backend = backendFor(consul);
  });
  after(() => backend.close());

  const CASES: readonly { title: string; dep: Dependency; keys: string[] }[] = [
    { title: 'a prefix holds its own key and its children, not its siblings', dep: { type: 'kv.list', prefix: '/database/host' }, keys: ['/database/host', '/database/host/replica'] },
    { title: 'confd’s keys also hold siblings, as its Consul backend lists them', dep: { type: 'kv.list', prefix: '/database/host', siblings: true }, keys: ['/database/host', '/database/host/replica', '/database/hostname'] },
    { title: 'the root holds every key', dep: { type: 'kv.list', prefix: '/' }, keys: ['/database/host', '/database/host/replica', '/database/hostname', '/database/port'] },
    { title: 'a missing prefix is empty', dep: { type: 'kv.list', prefix: '/nothing' }, keys: [] },
  ];
  for (const { title, dep, keys } of CASES) {
    it(title, async () => {
      const list = (await backend.snapshot(dep, signal())).data as KvList;
      assert.deepEqual([...list.keys()], keys);
    });
  }
});

// What a real agent cannot do on cue: index resets, 500s, dropped connections, slow answers.
describe('consul backend through faults (simulator)', () => {
  let sim: ConsulSimulator;
  // A raft reset makes a blocking query wait out its ?wait=, so fault tests use a short one.
  let shortWait: Backend;
  let backend: Backend;
  const logs: string[] = [];
  before(async () => {
    sim = await seededSimulator();
    backend = backendFor(sim);
    shortWait = backendFor(sim, { blockingWaitMs: 300, log: (_level, message) => logs.push(message) });
  });
  after(async () => {
    await backend.close();
    await shortWait.close();
    await sim.stop();
  });
  it('resets to index 0 and re-reads when the index goes backwards', async () => {
    await withWatch(shortWait, { type: 'kv.get', key: '/app/port' }, async (events) => {
      await waitForData(events, (d) => d === '8080');
      sim.faults.indexGoesBackwards = true;
      try {
        sim.putKey('app/port', '8081');
        await waitForData(events, (d) => d === '8081');
        assert.ok(logs.some((m) => m.includes('index went backwards')), 'the reset was logged');
        sim.putKey('app/port', '8082');
        await waitForData(events, (d) => d === '8082');
      } finally {
        sim.faults.indexGoesBackwards = false;
      }
    });
  });

  it('keeps following the data when Consul reports index 0', async () => {
    await withWatch(shortWait, { type: 'kv.get', key: '/app/list' }, async (events) => {
      await waitForData(events, (d) => d === 'a, b ,c');
      sim.faults.indexZero = true;
      try {
        sim.putKey('app/list', 'x');
        await waitForData(events, (d) => d === 'x');
        assert.ok(logs.some((m) => m.includes('index is 0')), 'the reset was logged');
      } finally {
        sim.faults.indexZero = false;
      }
    });
  });

  const FAULTS: readonly { title: string; fault: 'status500' | 'dropConnections'; message: RegExp }[] = [
    { title: '500 answers', fault: 'status500', message: /: 500 rpc error/ },
    { title: 'dropped connections', fault: 'dropConnections', message: /GET \/v1\/kv\/app\/db\?recurse: / },
  ];

  for (const { title, fault, message } of FAULTS) {
    it(`retries through ${title} and delivers the latest state`, async () => {
      await withWatch(shortWait, { type: 'kv.list', prefix: '/app/db' }, async (events) => {
        await waitForData(events, (d) => (d as KvList).has('/app/db/user'));
        sim.faults[fault] = true;
        try {
          sim.putKey('app/db/user', `root-${fault}`);
          const failure = await waitForEvent(events, (e) => e.kind === 'error');
          assert.ok(failure.kind === 'error' && failure.error.code === 'BACKEND');
          assert.match(failure.error.message, message);
          assert.ok(failure.error.message.startsWith(`consul ${sim.url}: `));
        } finally {
          sim.faults[fault] = false;
        }
        await waitForData(events, (d) => (d as KvList).get('/app/db/user') === `root-${fault}`);
      });
    });
  }

  it('goes on through slow answers', async () => {
    sim.faults.slowMs = 100;
    try {
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/app/json' }, signal())).data, '{"a":1,"b":[1,2],"c":{"d":"e"}}');
    } finally {
      sim.faults.slowMs = 0;
    }
  });
});

describe('consul backend with ACLs', () => {
  // A second agent with ACLs on (default deny, management token "secret"); the simulator without consul.
  let acl: { readonly url: string; readonly port: number; close(): Promise<void> };
  before(async () => {
    if (findConsul('consul backend with ACLs')) {
      const agent = await startConsulAgent({ aclToken: 'secret' });
      await agent.load(SETUP);
      acl = agent;
    } else {
      const sim = await seededSimulator({ token: 'secret' });
      acl = { url: sim.url, port: sim.port, close: () => sim.stop() };
    }
  });
  after(() => acl?.close());

  const appList: Dependency = { type: 'kv.list', prefix: '/app' };
  const appName: Dependency = { type: 'kv.get', key: '/app/name' };
  const CASES: readonly { title: string; options: Partial<ConsulOptions>; dep?: Dependency; message?: string; empty?: true }[] = [
    { title: 'without a token a key fails with 403 Permission denied', options: {}, dep: appName, message: 'GET /v1/kv/app/name: 403 Permission denied' },
    { title: 'without a token a list is filtered to nothing (Consul answers 404)', options: {}, empty: true },
    { title: 'with a wrong token it fails with 403 ACL not found', options: { token: 'wrong' }, message: 'GET /v1/kv/app?recurse: 403 ACL not found' },
    { title: 'with the token it reads', options: { token: 'secret' } },
    { title: 'with the token from the environment it reads', options: { env: { CONSUL_HTTP_TOKEN: 'secret' } } },
  ];

  for (const { title, options, dep, message, empty } of CASES) {
    it(title, async () => {
      const backend = backendFor(acl, options);
      try {
        const read = backend.snapshot(dep ?? appList, signal());
        if (empty) return assert.equal(((await read).data as KvList).size, 0);
        if (!message) return assert.equal(((await read).data as KvList).get('/app/name'), 'shop');
        await assert.rejects(read, (error: unknown) => {
          assert.ok(error instanceof CtmplError);
          assert.equal(error.code, 'BACKEND');
          assert.equal(error.message, `consul ${acl.url}: ${message}`);
          return true;
        });
      } finally {
        await backend.close();
      }
    });
  }

  it('takes the address from CONSUL_HTTP_ADDR when none is given', async () => {
    const backend = createConsulBackend({ env: { CONSUL_HTTP_ADDR: `127.0.0.1:${acl.port}`, CONSUL_HTTP_TOKEN: 'secret' } });
    try {
      assert.equal(backend.description, `consul ${acl.url}`);
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/app/port' }, signal())).data, '8080');
    } finally {
      await backend.close();
    }
  });
});

describe('consul backend with -max-stale', () => {
  let sim: ConsulSimulator;
  before(async () => (sim = await seededSimulator()));
  after(() => sim.stop());

  const kvReads = () => sim.requests.filter((line) => line.startsWith('GET /v1/kv/app/name'));

  it('reads from any server while the follower is within the bound', async () => {
    const backend = backendFor(sim, { maxStaleMs: 1000 });
    try {
      const before = kvReads().length;
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/app/name' }, signal())).data, 'shop');
      assert.deepEqual(kvReads().slice(before).map((line) => line.includes('stale')), [true]);
    } finally {
      await backend.close();
    }
  });

  it('re-reads from the leader when the follower lags more than the bound', async () => {
    const backend = backendFor(sim, { maxStaleMs: 1000 });
    sim.faults.staleLagMs = 5000;
    try {
      const before = kvReads().length;
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/app/name' }, signal())).data, 'shop');
      assert.deepEqual(kvReads().slice(before).map((line) => line.includes('stale')), [true, false]);
    } finally {
      sim.faults.staleLagMs = 0;
      await backend.close();
    }
  });
});
