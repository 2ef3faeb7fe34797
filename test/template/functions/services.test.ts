import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GO_TYPE_NAME, type GoStruct, type GoValue } from '../../../src/template/go/values.js';
import { FakeData } from '../../support/fake-data.js';
import { call, catalogServices, consulData, funcsFor, healthServices, plain } from './helpers.js';

const SERVICE_DATA = {
  'health.service(web|passing)': healthServices('web', ['passing']),
  'health.service(web|any)': healthServices('web', ['any']),
  'health.service(web|critical)': healthServices('web', ['critical']),
  'health.service(web@dc1|passing)': healthServices('web', ['passing']),
  'health.service(api|passing)': healthServices('api', ['passing']),
  'health.service(nosuch|passing)': [],
  'catalog.services()': catalogServices(),
  'catalog.datacenters()': ['dc1', 'dc2'],
};

const funcs = (data = consulData(SERVICE_DATA)) => funcsFor('consul-template', data);
const ids = (list: GoValue) => (list as GoStruct[]).map((s) => s.ID);

describe('service', () => {
  const cases: [string, string[], string[]][] = [
    ['service_default_passing: passing instances by default', ['web'], ['web1', 'web4']],
    ['service_any: every instance', ['web', 'any'], ['web1', 'web2', 'web3', 'web4']],
    ['service_critical: only critical', ['web', 'critical'], ['web3']],
    ['service_dc: a datacenter in the query', ['web@dc1'], ['web1', 'web4']],
    ['service_empty: an unknown service', ['nosuch'], []],
    ['an empty name returns nothing', [''], []],
  ];
  for (const [name, args, want] of cases) {
    it(name, () => assert.deepEqual(ids(call(funcs(), 'service', ...args)), want));
  }

  it('service_address_fallback: the backend fills Address from the node', () => {
    const list = call(funcs(), 'service', 'web', 'passing') as GoStruct[];
    assert.deepEqual(list.map((s) => `${s.ID}=${s.Address} node=${s.NodeAddress}`), ['web1=10.0.0.1 node=127.0.0.1', 'web4=127.0.0.1 node=127.0.0.1']);
  });

  it('service_fields: consul-template field names, Go maps for records', () => {
    const [api] = call(funcs(), 'service', 'api') as GoStruct[];
    assert.deepEqual([api!.Node, api!.NodeAddress, api!.Name, api!.ID, api!.Address, api!.Port, api!.Tags, api!.Status], ['testnode', '127.0.0.1', 'api', 'api1', '10.0.1.1', 9001, ['internal'], 'passing']);
    assert.ok(api!.ServiceMeta instanceof Map);
    assert.equal(api![GO_TYPE_NAME], '*dependency.HealthService');
  });

  it('service_len: lengths by filter', () => {
    const f = funcs();
    assert.deepEqual([call(f, 'service', 'web'), call(f, 'service', 'web', 'any'), call(f, 'service', 'nosuch')].map((l) => (l as unknown[]).length), [2, 4, 0]);
  });

  it('a template using only service "web" reads exactly one dependency', () => {
    const data = consulData(SERVICE_DATA);
    call(funcs(data), 'service', 'web');
    assert.deepEqual(data.reads, ['health.service(web|passing)']);
  });

  it('err_bad_service_query: an invalid query fails with consul-template\'s message', () => {
    assert.throws(() => call(funcs(), 'service', 'web@@bad'), { message: 'health.service: invalid format: "web@@bad"' });
  });

  it('without a snapshot yet, service returns an empty list', () => {
    assert.deepEqual(call(funcs(new FakeData({})), 'service', 'web'), []);
  });
});

describe('catalog functions', () => {
  it('services_list: name and sorted tags of every service', () => {
    const list = call(funcs(), 'services') as GoStruct[];
    assert.deepEqual(list.map((s) => `${s.Name}:${(s.Tags as string[]).join(' ')}`), ['api:internal', 'consul:', 'db:', 'web:canary prod v2']);
  });

  it('node_self: the agent node and its services', () => {
    const node = {
      Node: { ID: 'n', Node: 'testnode', Address: '127.0.0.1', Datacenter: 'dc1', TaggedAddresses: {}, Meta: {} },
      Services: [{ ID: 'api1', Service: 'api', Tags: ['internal'], Meta: {}, Port: 9001, Address: '10.0.1.1' }],
    };
    const result = call(funcs(consulData({ 'catalog.node()': node })), 'node') as GoStruct;
    assert.equal((result.Node as GoStruct).Node, 'testnode');
    assert.deepEqual((result.Services as GoStruct[]).map((s) => s.ID), ['api1']);
  });

  it('node returns nil for an unknown node', () => {
    assert.equal(call(funcs(consulData({ 'catalog.node(x)': null })), 'node', 'x'), null);
  });

  it('nodes and datacenters', () => {
    const nodes = [{ ID: 'n', Node: 'testnode', Address: '127.0.0.1', Datacenter: 'dc1', TaggedAddresses: { lan: 'x' }, Meta: {} }];
    const f = funcs(consulData({ 'catalog.nodes()': nodes, 'catalog.datacenters()': ['dc1', 'dc2'] }));
    assert.deepEqual((call(f, 'nodes') as GoStruct[]).map((n) => n.Node), ['testnode']);
    assert.deepEqual(call(f, 'datacenters'), ['dc1', 'dc2']);
    assert.throws(() => call(f, 'datacenters', true, false), { message: 'datacenters: wrong number of arguments, expected 0 or 1, but got 2' });
  });
});

describe('grouping helpers', () => {
  it('byTag: tag → services, tags sorted', () => {
    const groups = call(funcs(), 'byTag', call(funcs(), 'service', 'web', 'any')) as ReadonlyMap<string, GoStruct[]>;
    assert.deepEqual([...groups].map(([tag, list]) => `${tag}:${ids(list).join(' ')}`), ['canary:web3', 'prod:web1 web2 web4', 'v2:web1 web3']);
  });

  it('byTag of services groups CatalogSnippets', () => {
    const groups = call(funcs(), 'byTag', call(funcs(), 'services')) as ReadonlyMap<string, GoStruct[]>;
    assert.deepEqual([...groups.keys()], ['canary', 'internal', 'prod', 'v2']);
  });

  it('byTag of a string fails', () => {
    assert.throws(() => call(funcs(), 'byTag', 'x'), { message: 'byTag: wrong argument type string' });
  });

  it('upstream_from_kv: byKey groups a tree by its first segment', () => {
    const groups = call(funcs(), 'byKey', call(funcs(), 'tree', 'upstreams'));
    assert.deepEqual(
      Object.fromEntries(Object.entries(plain(groups) as Record<string, Record<string, { Key: string; Value: string }>>).map(([k, m]) => [k, Object.values(m).map((p) => `${p.Key}=${p.Value}`)])),
      { api: ['a1=10.2.0.1:9000'], web: ['w1=10.1.0.1:80', 'w2=10.1.0.2:80'] },
    );
  });

  it('byPort groups by port', () => {
    const groups = call(funcs(), 'byPort', call(funcs(), 'service', 'web', 'any')) as ReadonlyMap<string, GoStruct[]>;
    assert.deepEqual([...groups.keys()], ['8001', '8002', '8003', '8004']);
  });

  it('byMeta groups by meta values with defaults', () => {
    const groups = call(funcs(), 'byMeta', 'zone', call(funcs(), 'service', 'web', 'any')) as ReadonlyMap<string, GoStruct[]>;
    assert.deepEqual([...groups].map(([k, l]) => `${k}:${ids(l).join(',')}`), ['_no_zone_:web3,web4', 'a:web1', 'b:web2']);
    const byWeight = call(funcs(), 'byMeta', 'weight|int', call(funcs(), 'service', 'web', 'any')) as ReadonlyMap<string, GoStruct[]>;
    assert.deepEqual([...byWeight.keys()], ['00000', '00003']);
  });
});
