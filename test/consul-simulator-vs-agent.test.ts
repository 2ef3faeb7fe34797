import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from './support/http.js';
import { findConsul, startConsulAgent, type TestConsul } from './support/consul-agent.js';
import { startConsulSimulator, type ConsulSimulator, type SimulatorSetup } from './support/consul-simulator.js';

/**
 * The same requests replayed against the simulator and a real Consul agent holding the same data:
 * same status, same headers ctmpl reads, same JSON once the values that legitimately differ
 * between two agents (raft indexes, node IDs, the agent's own addresses and ports) are normalised.
 */
const SETUP: SimulatorSetup = JSON.parse(
  readFileSync(new URL('./fixtures/conformance/consul/service_any/setup.json', import.meta.url), 'utf8'),
);

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

async function send(base: string, path: string, method = 'GET', body?: string): Promise<Answer> {
  const res = await request(`${base}${path}`, { method: method as 'GET', ...(body === undefined ? {} : { body }) });
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = value === undefined ? undefined : String(value);
  return { status: res.statusCode, headers, body: await res.body.text() };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INDEX_FIELDS = new Set(['CreateIndex', 'ModifyIndex']);

/** Replaces what differs between any two agents: indexes, UUIDs, the agent's own server port and address. */
function normalise(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const isAgentService = record.ID === 'consul' || record.Service === 'consul' || record.ServiceID === 'consul';
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [k, isAgentService && (k === 'Port' || k === 'ServicePort') ? '<port>' : normalise(v, k)]),
    );
  }
  if (INDEX_FIELDS.has(key) && typeof value === 'number') return '<index>';
  if (typeof value === 'string' && UUID.test(value)) return '<uuid>';
  if (typeof value === 'string' && /^"?127\.0\.0\.1:\d+"?\n?$/.test(value)) return '<server address>';
  return value;
}

function parseBody(answer: Answer, path: string): unknown {
  if (answer.headers['content-type'] !== 'application/json') return normalise(answer.body);
  const body = normalise(JSON.parse(answer.body));
  // The agent gathers a service's tags through a Go map, so their order changes from one answer to the next.
  if (!path.startsWith('/v1/catalog/services') || body === null || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).map(([name, tags]) => [name, Array.isArray(tags) ? [...tags].sort() : tags]));
}

function assertSameAnswer(sim: Answer, real: Answer, what: string): void {
  assert.equal(sim.status, real.status, `${what}: status`);
  assert.equal('x-consul-index' in sim.headers, 'x-consul-index' in real.headers, `${what}: X-Consul-Index presence`);
  for (const name of ['x-consul-knownleader', 'x-consul-lastcontact', 'content-type']) {
    assert.equal(sim.headers[name], real.headers[name], `${what}: ${name}`);
  }
  assert.deepEqual(parseBody(sim, what), parseBody(real, what), `${what}: body`);
}

const READS: readonly string[] = [
  '/v1/kv/app/name',
  '/v1/kv/app/missing',
  '/v1/kv/app/name?dc=mars',
  '/v1/kv/app/folder/',
  '/v1/kv/app/json?raw',
  '/v1/kv/app/?keys&separator=/',
  '/v1/kv/app?recurse',
  '/v1/kv/app/?recurse',
  '/v1/kv/app/db?recurse',
  '/v1/kv/up?recurse',
  '/v1/kv/nothing/here?recurse',
  '/v1/kv/?recurse',
  '/v1/kv/app/name?stale',
  '/v1/health/service/web',
  '/v1/health/service/web?passing',
  '/v1/health/service/web?tag=prod',
  '/v1/health/service/web?near=_agent',
  '/v1/health/service/web?dc=dc1',
  '/v1/health/service/missing',
  '/v1/health/service/consul',
  '/v1/catalog/services',
  '/v1/catalog/service/web',
  '/v1/catalog/service/web?tag=prod',
  '/v1/catalog/nodes',
  '/v1/catalog/node/testnode',
  '/v1/catalog/node/nope',
  '/v1/catalog/datacenters',
  '/v1/status/leader',
];

const consulPath = findConsul('the simulator compared with a real agent');

describe('the simulator answers as a real Consul agent does', { skip: consulPath ? undefined : 'no consul on PATH' }, () => {
  let sim: ConsulSimulator;
  let real: TestConsul;
  before(async () => {
    [sim, real] = await Promise.all([startConsulSimulator(), startConsulAgent({ binary: consulPath })]);
    sim.load(SETUP);
    await real.load(SETUP);
  });
  after(async () => {
    await sim?.stop();
    await real?.close();
  });

  for (const path of READS) {
    it(`answers GET ${path} alike`, async () => {
      const [fromSim, fromReal] = await Promise.all([send(sim.url, path), send(real.url, path)]);
      assertSameAnswer(fromSim, fromReal, path);
    });
  }

  it('reports the same agent node name in /v1/agent/self', async () => {
    const nodeName = async (base: string) => (JSON.parse((await send(base, '/v1/agent/self')).body) as { Config: { NodeName: string } }).Config.NodeName;
    assert.equal(await nodeName(sim.url), await nodeName(real.url));
  });

  const WRITES: readonly { title: string; path: string; write: (target: { url: string }) => Promise<unknown> }[] = [
    { title: 'a key write', path: '/v1/kv/app/name', write: (t) => send(t.url, '/v1/kv/app/name', 'PUT', 'shop2') },
    { title: 'a delete under a prefix', path: '/v1/kv/app/db?recurse', write: (t) => send(t.url, '/v1/kv/app/db/user', 'DELETE') },
    { title: 'a new sibling key', path: '/v1/kv/app?recurse', write: (t) => send(t.url, '/v1/kv/apple', 'PUT', 'x') },
  ];

  for (const { title, path, write } of WRITES) {
    it(`moves X-Consul-Index forward after ${title} and answers alike`, async () => {
      for (const target of [sim, real]) {
        const before = Number((await send(target.url, path)).headers['x-consul-index']);
        await write(target);
        const after = await send(target.url, path);
        assert.ok(Number(after.headers['x-consul-index']) > before, `${target === sim ? 'simulator' : 'agent'}: index moved on`);
        // A blocking query at the current index waits out ?wait= and returns the same index.
        const blocked = await send(target.url, `${path}${path.includes('?') ? '&' : '?'}index=${after.headers['x-consul-index']}&wait=100ms`);
        assert.equal(blocked.headers['x-consul-index'], after.headers['x-consul-index']);
      }
      assertSameAnswer(await send(sim.url, path), await send(real.url, path), path);
    });
  }
});

describe('the simulator enforces ACLs as a real agent does', { skip: consulPath ? undefined : 'no consul on PATH' }, () => {
  let sim: ConsulSimulator;
  let real: TestConsul;
  before(async () => {
    [sim, real] = await Promise.all([startConsulSimulator({ token: 'secret' }), startConsulAgent({ binary: consulPath, aclToken: 'secret' })]);
    sim.load(SETUP);
    await real.load(SETUP);
  });
  after(async () => {
    await sim?.stop();
    await real?.close();
  });

  const CASES: readonly { path: string; token?: string }[] = [
    { path: '/v1/kv/app/name' },
    { path: '/v1/kv/app/name', token: 'wrong' },
    { path: '/v1/kv/app/name', token: 'secret' },
    { path: '/v1/kv/app?recurse' },
    { path: '/v1/kv/app?recurse', token: 'wrong' },
    { path: '/v1/kv/app?recurse', token: 'secret' },
    { path: '/v1/health/service/web' },
    { path: '/v1/health/service/web', token: 'wrong' },
    { path: '/v1/health/service/web', token: 'secret' },
  ];
  for (const { path, token } of CASES) {
    it(`answers GET ${path} ${token ? `with token ${token}` : 'without a token'} alike`, async () => {
      const withToken = token ? `${path}${path.includes('?') ? '&' : '?'}token=${token}` : path;
      const [fromSim, fromReal] = await Promise.all([send(sim.url, withToken), send(real.url, withToken)]);
      assertSameAnswer(fromSim, fromReal, withToken);
    });
  }
});
