import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from './support/http.js';
import { startConsulSimulator, type ConsulSimulator, type SimulatorSetup } from './support/consul-simulator.js';

/**
 * The simulator against the answers a real Consul 1.2.0 gave for the same data: same status,
 * same headers that clients read, same JSON fields in the same order, same array ordering, same
 * values except node IDs and raft indexes, which are compared by type.
 */

const FIXTURES = new URL('./fixtures/consul-1.2/', import.meta.url);
const SETUP: SimulatorSetup = JSON.parse(
  readFileSync(new URL('./fixtures/conformance/consul/service_any/setup.json', import.meta.url), 'utf8'),
);

interface Recorded {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

type Live = Recorded;

function readFixture(name: string): Recorded {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  const split = text.indexOf('\n\n');
  const [statusLine = '', ...headerLines] = text.slice(0, split).split('\n');
  const headers = new Map(headerLines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
  }));
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 2) };
}

const agent = new Agent();

async function get(sim: ConsulSimulator, path: string, token?: string): Promise<Live> {
  const res = await request(`${sim.url}${path}`, { dispatcher: agent, headers: token ? { 'x-consul-token': token } : {} });
  const headers = new Map(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { status: res.statusCode, headers, body: await res.body.text() };
}

const indexHeader = (answer: Recorded) => Number(answer.headers.get('x-consul-index'));

const VOLATILE_KEYS = new Set(['CreateIndex', 'ModifyIndex']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Deep comparison where raft indexes and node IDs only need the same type. */
function assertSameShape(actual: unknown, expected: unknown, at: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: array expected`);
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((item, i) => assertSameShape(actual[i], item, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${at}: object expected`);
    const record = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(record), Object.keys(expected), `${at}: fields and their order`);
    for (const [key, value] of Object.entries(expected)) {
      const volatile = VOLATILE_KEYS.has(key) || (key === 'ID' && typeof value === 'string' && UUID.test(value));
      if (volatile) assert.equal(typeof record[key], typeof value, `${at}.${key}: type`);
      else assertSameShape(record[key], value, `${at}.${key}`);
    }
  } else {
    assert.equal(actual, expected, at);
  }
}

function assertMatchesFixture(live: Live, recorded: Recorded): void {
  assert.equal(live.status, recorded.status, 'status');
  for (const name of ['x-consul-index', 'x-consul-effective-consistency']) {
    assert.equal(live.headers.has(name), recorded.headers.has(name), `${name} presence`);
  }
  for (const name of ['x-consul-knownleader', 'x-consul-lastcontact', 'content-type', 'x-consul-effective-consistency']) {
    assert.equal(live.headers.get(name), recorded.headers.get(name), name);
  }
  if (recorded.headers.has('x-consul-index')) assert.ok(Number.isInteger(indexHeader(live)), 'index is an integer');
  if (recorded.headers.get('content-type') === 'application/json') {
    assertSameShape(JSON.parse(live.body), JSON.parse(recorded.body), 'body');
    assert.match(live.body, /^(\[|\{|")[\s\S]*\n$/, 'pretty-printed with a trailing newline');
    assert.equal(live.body.split('\n')[1]?.match(/^ */)?.[0].length ?? 4, recorded.body.split('\n')[1]?.match(/^ */)?.[0].length ?? 4, 'indent');
  } else {
    assert.equal(live.body, recorded.body, 'body');
  }
}

const READ_CASES: readonly { fixture: string; path: string }[] = [
  { fixture: 'kv-get.http', path: '/v1/kv/app/name' },
  { fixture: 'kv-get-missing.http', path: '/v1/kv/app/missing' },
  { fixture: 'kv-get-bad-dc.http', path: '/v1/kv/app/name?dc=nowhere' },
  { fixture: 'kv-folder.http', path: '/v1/kv/app/folder/' },
  { fixture: 'kv-raw.http', path: '/v1/kv/app/json?raw' },
  { fixture: 'kv-keys-separator.http', path: '/v1/kv/app/?keys&separator=/' },
  { fixture: 'kv-recurse.http', path: '/v1/kv/app/db?recurse' },
  { fixture: 'kv-recurse-missing.http', path: '/v1/kv/nothing/here?recurse' },
  { fixture: 'kv-recurse-root.http', path: '/v1/kv/?recurse' },
  { fixture: 'health-service-web.http', path: '/v1/health/service/web' },
  { fixture: 'health-service-web-passing.http', path: '/v1/health/service/web?passing' },
  { fixture: 'health-service-web-tag.http', path: '/v1/health/service/web?tag=canary' },
  { fixture: 'health-service-web-near.http', path: '/v1/health/service/web?near=_agent' },
  { fixture: 'health-service-missing.http', path: '/v1/health/service/missing' },
  { fixture: 'catalog-services.http', path: '/v1/catalog/services' },
  { fixture: 'catalog-service-web.http', path: '/v1/catalog/service/web' },
  { fixture: 'catalog-service-web-tag.http', path: '/v1/catalog/service/web?tag=prod' },
  { fixture: 'catalog-nodes.http', path: '/v1/catalog/nodes' },
  { fixture: 'catalog-node.http', path: '/v1/catalog/node/testnode' },
  { fixture: 'catalog-datacenters.http', path: '/v1/catalog/datacenters' },
  { fixture: 'status-leader.http', path: '/v1/status/leader' },
];

const ACL_CASES: readonly { fixture: string; path: string; token?: string }[] = [
  { fixture: 'acl-good-token.http', path: '/v1/kv/app/name', token: 'root-token' },
  { fixture: 'acl-no-token.http', path: '/v1/kv/app/name' },
  { fixture: 'acl-unknown-token.http', path: '/v1/kv/app/name', token: 'wrong' },
  { fixture: 'acl-unknown-token-health.http', path: '/v1/health/service/web', token: 'wrong' },
];

async function seeded(options: { token?: string } = {}): Promise<ConsulSimulator> {
  const sim = await startConsulSimulator(options);
  sim.load(SETUP);
  return sim;
}

after(() => agent.close());

describe('consul simulator answers like the recorded Consul 1.2', () => {
  let sim: ConsulSimulator;
  before(async () => (sim = await seeded()));
  after(() => sim.stop());

  for (const { fixture, path } of READ_CASES) {
    it(`answers GET ${path} as ${fixture} shows`, async () => {
      assertMatchesFixture(await get(sim, path), readFixture(fixture));
    });
  }

  it('gives a key its own ModifyIndex as X-Consul-Index and a list the highest of its entries', async () => {
    const key = await get(sim, '/v1/kv/app/name');
    assert.equal(indexHeader(key), JSON.parse(key.body)[0].ModifyIndex);
    const list = await get(sim, '/v1/kv/app/db?recurse');
    const entries: { ModifyIndex: number }[] = JSON.parse(list.body);
    assert.equal(indexHeader(list), Math.max(...entries.map((e) => e.ModifyIndex)));
  });
});

describe('consul simulator enforces ACLs like the recorded agent', () => {
  let sim: ConsulSimulator;
  before(async () => (sim = await seeded({ token: 'root-token' })));
  after(() => sim.stop());

  for (const { fixture, path, token } of ACL_CASES) {
    it(`answers GET ${path} ${token ? `with token ${token}` : 'without a token'} as ${fixture} shows`, async () => {
      assertMatchesFixture(await get(sim, path, token), readFixture(fixture));
    });
  }
});

describe('consul simulator blocking queries', () => {
  let sim: ConsulSimulator;
  before(async () => (sim = await seeded()));
  after(() => sim.stop());

  it('wakes a blocked KV read when the key is written', async () => {
    const current = indexHeader(await get(sim, '/v1/kv/app/name'));
    const blocked = get(sim, `/v1/kv/app/name?index=${current}&wait=5s`);
    setTimeout(() => sim.putKey('app/name', 'shop2'), 50);
    const woken = await blocked;
    assertMatchesFixture(woken, readFixture('kv-blocking-woken.http'));
    assert.ok(indexHeader(woken) > current, 'index moved on');
  });

  it('times out a blocked KV read with the unchanged index and body', async () => {
    const before = await get(sim, '/v1/kv/app/name');
    const timedOut = await get(sim, `/v1/kv/app/name?index=${indexHeader(before)}&wait=200ms`);
    assertMatchesFixture(timedOut, readFixture('kv-blocking-timeout.http'));
    assert.equal(indexHeader(timedOut), indexHeader(before));
    assert.equal(timedOut.body, before.body);
  });

  it('answers at once when the given index is lower than the current one', { timeout: 10_000 }, async () => {
    const answer = await get(sim, '/v1/kv/app/name?index=1&wait=10m');
    assert.equal(answer.status, 200);
    assert.ok(indexHeader(answer) > 1);
  });

  it('wakes a blocked passing-health read when a check fails, without the failed instance', async () => {
    const current = indexHeader(await get(sim, '/v1/health/service/web?passing'));
    const blocked = get(sim, `/v1/health/service/web?passing&index=${current}&wait=5s`);
    setTimeout(() => sim.setCheckStatus('web1', 'critical'), 50);
    const woken = await blocked;
    assertMatchesFixture(woken, readFixture('health-service-blocking-woken.http'));
    assert.ok(indexHeader(woken) > current, 'index moved on');
  });

  it('wakes a blocked prefix read when a key under it is deleted', async () => {
    const current = indexHeader(await get(sim, '/v1/kv/app/db?recurse'));
    const blocked = get(sim, `/v1/kv/app/db?recurse&index=${current}&wait=5s`);
    setTimeout(() => sim.deleteKey('app/db/user'), 50);
    const woken = await blocked;
    assert.ok(indexHeader(woken) > current, 'index moved on');
    assert.deepEqual(JSON.parse(woken.body).map((e: { Key: string }) => e.Key), ['app/db/host', 'app/db/port']);
  });
});
