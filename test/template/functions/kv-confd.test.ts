import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GoValue } from '../../../src/template/go/values.js';
import { FakeData } from '../../support/fake-data.js';
import { APP_DATA, call, funcsFor, plain, SVC_DATA } from './helpers.js';

interface Case {
  readonly name: string;
  readonly data: ReadonlyMap<string, string>;
  readonly fn: string;
  readonly args: readonly GoValue[];
  readonly want?: unknown;
  readonly error?: string;
}

const cases: Case[] = [
  { name: 'getv_basic: getv returns the value', data: APP_DATA, fn: 'getv', args: ['/app/name'], want: 'shop' },
  { name: 'getv of a number is its text', data: APP_DATA, fn: 'getv', args: ['/app/port'], want: '8080' },
  { name: 'getv_default: a default replaces a missing key', data: APP_DATA, fn: 'getv', args: ['/app/missing', 'fallback'], want: 'fallback' },
  { name: 'getv_empty_default: an empty default is a default', data: SVC_DATA, fn: 'getv', args: ['/nope', ''], want: '' },
  { name: 'getv_empty_default: an empty value beats the default', data: SVC_DATA, fn: 'getv', args: ['/str/empty', 'd'], want: '' },
  { name: 'getv keeps surrounding spaces', data: SVC_DATA, fn: 'getv', args: ['/str/space'], want: '  padded  ' },
  { name: 'getv_missing_error: a missing key without default fails', data: APP_DATA, fn: 'getv', args: ['/app/missing'], error: 'key does not exist: /app/missing' },
  { name: 'getv of a relative key never matches memkv keys', data: APP_DATA, fn: 'getv', args: ['app/name'], error: 'key does not exist: app/name' },
  { name: 'get_kvpair: get returns Key and Value', data: SVC_DATA, fn: 'get', args: ['/top'], want: { Key: '/top', Value: 'root-value' } },
  { name: 'get_missing_error: get of a missing key fails', data: SVC_DATA, fn: 'get', args: ['/nope'], error: 'key does not exist: /nope' },
  {
    name: 'gets_range: gets matches one level, sorted by key',
    data: APP_DATA, fn: 'gets', args: ['/app/servers/*'],
    want: [
      { Key: '/app/servers/web1', Value: '10.0.0.1:80' },
      { Key: '/app/servers/web10', Value: '10.0.0.10:80' },
      { Key: '/app/servers/web2', Value: '10.0.0.2:80' },
    ],
  },
  {
    name: 'gets_nested_glob: * inside the path',
    data: APP_DATA, fn: 'gets', args: ['/app/upstreams/*/host'],
    want: [
      { Key: '/app/upstreams/api/host', Value: '10.1.0.5' },
      { Key: '/app/upstreams/cache/host', Value: '10.1.0.6' },
    ],
  },
  {
    name: 'gets_question_glob: ? matches one character',
    data: APP_DATA, fn: 'gets', args: ['/app/servers/web?'],
    want: [
      { Key: '/app/servers/web1', Value: '10.0.0.1:80' },
      { Key: '/app/servers/web2', Value: '10.0.0.2:80' },
    ],
  },
  { name: 'gets_root_star: /* never crosses a slash', data: SVC_DATA, fn: 'gets', args: ['/*'], want: [{ Key: '/top', Value: 'root-value' }] },
  { name: 'gets_no_match: no match is an empty list', data: APP_DATA, fn: 'gets', args: ['/nothing/*'], want: [] },
  {
    name: 'range_over_gets_fields: numbers sort as text',
    data: SVC_DATA, fn: 'gets', args: ['/nums/*'],
    want: [
      { Key: '/nums/bad', Value: 'x1' },
      { Key: '/nums/neg', Value: '-3' },
      { Key: '/nums/one', Value: '1' },
      { Key: '/nums/ten', Value: '10' },
    ],
  },
  { name: 'gets with a malformed pattern fails as path.Match', data: APP_DATA, fn: 'gets', args: ['/app/servers/[a'], error: 'syntax error in pattern' },
  { name: 'getvs_range: getvs sorts by value', data: APP_DATA, fn: 'getvs', args: ['/app/servers/*'], want: ['10.0.0.10:80', '10.0.0.1:80', '10.0.0.2:80'] },
  { name: 'gets_no_match: getvs of nothing is empty', data: APP_DATA, fn: 'getvs', args: ['/nothing/*'], want: [] },
  { name: 'exists: an existing key', data: APP_DATA, fn: 'exists', args: ['/app/name'], want: true },
  { name: 'exists: a missing key', data: APP_DATA, fn: 'exists', args: ['/app/nope'], want: false },
  { name: 'exists: a directory is not a key', data: APP_DATA, fn: 'exists', args: ['/app'], want: false },
  {
    name: 'ls lists leaves and directories, unique and sorted',
    data: APP_DATA, fn: 'ls', args: ['/app'],
    want: ['b64', 'csv', 'debug', 'flag', 'json', 'list', 'name', 'num', 'path', 'port', 'servers', 'text', 'upstreams'],
  },
  { name: 'ls of a leaf key is its base name', data: APP_DATA, fn: 'ls', args: ['/app/name'], want: ['name'] },
  { name: 'ls "/" lists only root leaves (memkv splits "/" into two empty terms)', data: SVC_DATA, fn: 'ls', args: ['/'], want: ['top'] },
  { name: 'lsdir lists only directories', data: APP_DATA, fn: 'lsdir', args: ['/app'], want: ['json', 'servers', 'upstreams'] },
  { name: 'lsdir of a directory of leaves is empty', data: APP_DATA, fn: 'lsdir', args: ['/app/servers'], want: [] },
];

describe('confd memkv functions', () => {
  for (const mode of ['per-call dependencies', 'resource keys'] as const) {
    describe(mode, () => {
      for (const c of cases) {
        it(c.name, () => {
          const keys = mode === 'resource keys' ? { keys: ['/'] } : {};
          const funcs = funcsFor('confd', new FakeData(c.data), keys);
          if (c.error) assert.throws(() => funcs[c.fn]!.call(...c.args), { message: c.error });
          else assert.deepEqual(plain(call(funcs, c.fn, ...c.args)), c.want);
        });
      }
    });
  }
});

describe('confd dependency recording', () => {
  const reads = (fn: string, ...args: GoValue[]) => {
    const data = new FakeData(APP_DATA);
    call(funcsFor('confd', data, { prefix: '/' }), fn, ...args);
    return data.reads;
  };

  it('getv, get and exists read one kv.get', () => {
    assert.deepEqual(reads('getv', '/app/name'), ['kv.get(/app/name)']);
    assert.deepEqual(reads('get', '/app/name'), ['kv.get(/app/name)']);
    assert.deepEqual(reads('exists', '/app/name'), ['kv.get(/app/name)']);
  });

  it('gets and getvs read kv.list of the static directory of the glob', () => {
    assert.deepEqual(reads('gets', '/app/upstreams/*/host'), ['kv.list(/app/upstreams)']);
    assert.deepEqual(reads('getvs', '/*'), ['kv.list(/)']);
  });

  it('ls and lsdir read kv.list of the directory', () => {
    assert.deepEqual(reads('ls', '/app/servers'), ['kv.list(/app/servers)']);
    assert.deepEqual(reads('lsdir', '/app'), ['kv.list(/app)']);
  });

  it('keys are relative to the resource prefix', () => {
    const data = new FakeData({ '/production/app/name': 'shop' });
    const funcs = funcsFor('confd', data, { prefix: '/production' });
    assert.equal(call(funcs, 'getv', '/app/name'), 'shop');
    assert.deepEqual(plain(call(funcs, 'gets', '/app/*')), [{ Key: '/app/name', Value: 'shop' }]);
    assert.deepEqual(data.reads, ['kv.get(/production/app/name)', 'kv.list(/production/app)']);
  });

  it('with resource keys, every function reads kv.list of each key (siblings included, as confd lists them) and strips the prefix', () => {
    const data = new FakeData({ '/p/app/name': 'shop', '/p/db/host': 'h', '/p/other/x': 'no' });
    const funcs = funcsFor('confd', data, { prefix: '/p', keys: ['/p/app', '/p/db'] });
    assert.equal(call(funcs, 'getv', '/db/host'), 'h');
    assert.deepEqual(call(funcs, 'ls', '/db'), ['host']);
    assert.equal(call(funcs, 'exists', '/other/x'), false);
    assert.deepEqual(new Set(data.reads), new Set(['kv.list(/p/app*)', 'kv.list(/p/db*)']));
  });

  it('without a snapshot yet, functions return zero values instead of failing', () => {
    const funcs = funcsFor('confd', new FakeData(undefined));
    assert.equal(call(funcs, 'getv', '/app/missing'), '');
    assert.deepEqual(plain(call(funcs, 'get', '/nope')), { Key: '', Value: '' });
    assert.deepEqual(call(funcs, 'gets', '/a/*'), []);
    assert.equal(call(funcs, 'exists', '/a'), false);
    assert.deepEqual(call(funcs, 'ls', '/a'), []);
  });
});
