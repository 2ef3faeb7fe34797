import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GoStruct } from '../../../src/template/go/values.js';
import { FakeData } from '../../support/fake-data.js';
import { call, consulData, funcsFor, plain } from './helpers.js';

const keysOf = (pairs: unknown) => (pairs as GoStruct[]).map((p) => p.Key);
const kvText = (pairs: unknown) => (pairs as GoStruct[]).map((p) => `${p.Key}=${p.Value}`);

describe('consul-template KV functions', () => {
  const cases = [
    { name: 'key_basic: key returns the value', fn: 'key', args: ['app/name'], want: 'shop' },
    { name: 'key_leading_slash: a leading slash is optional', fn: 'key', args: ['/app/name'], want: 'shop' },
    { name: 'key of an empty value is empty', fn: 'key', args: ['app/empty'], want: '' },
    { name: 'keyOrDefault: an existing key', fn: 'keyOrDefault', args: ['app/name', 'd1'], want: 'shop' },
    { name: 'keyOrDefault: a missing key', fn: 'keyOrDefault', args: ['app/nope', 'd2'], want: 'd2' },
    { name: 'keyOrDefault: an empty value takes the default', fn: 'keyOrDefault', args: ['app/empty', 'd3'], want: 'd3' },
    { name: 'keyExists: an existing key', fn: 'keyExists', args: ['app/empty'], want: true },
    { name: 'keyExists: a missing key', fn: 'keyExists', args: ['app/nope'], want: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(call(funcsFor('consul-template', consulData()), c.fn, ...c.args), c.want));
  }

  it('key_missing_never_renders: a missing key is marked missing and renders empty', () => {
    const data = consulData();
    assert.equal(call(funcsFor('consul-template', data), 'key', 'app/nope'), '');
    assert.deepEqual(data.missing, ['kv.get(/app/nope)']);
  });

  it('keyOrDefault and keyExists never mark a key missing', () => {
    const data = consulData();
    const funcs = funcsFor('consul-template', data);
    call(funcs, 'keyOrDefault', 'app/nope', 'x');
    call(funcs, 'keyExists', 'app/nope');
    assert.deepEqual(data.missing, []);
  });

  it('an empty key returns the zero value and reads nothing', () => {
    const data = consulData();
    const funcs = funcsFor('consul-template', data);
    assert.equal(call(funcs, 'key', ''), '');
    assert.equal(call(funcs, 'keyOrDefault', '', 'd'), 'd');
    assert.deepEqual(call(funcs, 'ls', ''), []);
    assert.deepEqual(data.reads, []);
  });

  it('a key with two datacenters is an invalid format', () => {
    assert.throws(() => call(funcsFor('consul-template', consulData()), 'key', 'a@b@c'), {
      message: 'kv.get: invalid format: "a@b@c"',
    });
  });

  it('key@dc records the datacenter', () => {
    const data = consulData();
    call(funcsFor('consul-template', data), 'key', 'app/name@dc2');
    assert.deepEqual(data.reads, ['kv.get(/app/name@dc2)']);
  });

  it('ls_top_level: ls returns top-level pairs only, folders skipped', () => {
    const pairs = call(funcsFor('consul-template', consulData()), 'ls', 'app');
    assert.deepEqual(kvText(pairs), ['empty=', 'json={"a":1,"b":[1,2],"c":{"d":"e"}}', 'list=a, b ,c', 'name=shop', 'port=8080']);
  });

  it('ls_nested_prefix: keys are relative to the prefix', () => {
    const pairs = call(funcsFor('consul-template', consulData()), 'ls', 'upstreams/web');
    assert.deepEqual(kvText(pairs), ['w1=10.1.0.1:80', 'w2=10.1.0.2:80']);
  });

  it('tree_recursive: tree returns every leaf below the prefix', () => {
    const funcs = funcsFor('consul-template', consulData());
    assert.deepEqual(kvText(call(funcs, 'tree', 'app/db')), ['host=10.0.0.9', 'port=5432', 'user=admin']);
    assert.deepEqual(keysOf(call(funcs, 'tree', 'upstreams')), ['api/a1', 'web/w1', 'web/w2']);
  });

  it('tree skips folder keys ending in a slash', () => {
    assert.ok(!keysOf(call(funcsFor('consul-template', consulData()), 'tree', 'app')).includes('folder/'));
  });

  it('KeyPair has consul-template 0.20 fields', () => {
    const [pair] = call(funcsFor('consul-template', consulData()), 'tree', 'app/db') as GoStruct[];
    assert.deepEqual(plain(pair!), {
      Path: 'app/db/host', Key: 'host', Value: '10.0.0.9',
      CreateIndex: 'uint64(0)', ModifyIndex: 'uint64(0)', LockIndex: 'uint64(0)', Flags: 'uint64(0)', Session: '',
    });
  });

  it('safeLs and safeTree mark an empty prefix missing; ls and tree do not', () => {
    const data = consulData();
    const funcs = funcsFor('consul-template', data);
    assert.deepEqual(call(funcs, 'ls', 'nothing'), []);
    assert.deepEqual(call(funcs, 'tree', 'nothing'), []);
    assert.deepEqual(data.missing, []);
    call(funcs, 'safeLs', 'nothing');
    call(funcs, 'safeTree', 'nothing/here');
    assert.deepEqual(data.missing, ['kv.list(/nothing)', 'kv.list(/nothing/here)']);
  });

  it('without a snapshot yet, ls returns nothing and marks nothing', () => {
    const data = new FakeData(undefined);
    assert.deepEqual(call(funcsFor('consul-template', data), 'safeLs', 'app'), []);
    assert.deepEqual(data.missing, []);
  });
});
