import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionNames } from '../../../src/template/functions/index.js';
import { SHARED_NAMES } from '../../../src/template/functions/flavors.js';
import { call, consulData, funcsFor } from './helpers.js';

const CONFD_NAMES = [
  'base', 'split', 'json', 'jsonArray', 'dir', 'map', 'getenv', 'join', 'datetime', 'toUpper', 'toLower', 'contains',
  'replace', 'trimSuffix', 'lookupIP', 'lookupIPV4', 'lookupIPV6', 'lookupSRV', 'fileExists', 'base64Encode',
  'base64Decode', 'parseBool', 'reverse', 'sortByLength', 'sortKVByLength', 'add', 'sub', 'div', 'mod', 'mul', 'seq',
  'atoi', 'exists', 'ls', 'lsdir', 'get', 'gets', 'getv', 'getvs',
];
// abtreece/confd 0.41 (template_funcs.go, utility_funcs.go, include.go).
const CONFD_FORK_NAMES = [
  'hostname', 'lookupIfaceIPV4', 'lookupIfaceIPV6', 'include', 'default', 'ternary', 'coalesce', 'empty', 'toJson',
  'fromJson', 'toPrettyJson', 'indent', 'nindent', 'quote', 'squote', 'regexMatch', 'regexFind', 'regexReplaceAll',
  'trimPrefix', 'repeat', 'nospace', 'snakecase', 'camelcase', 'kebabcase', 'dict', 'list', 'hasKey', 'keys', 'values',
  'append', 'pluck', 'sha256sum',
];
const CONSUL_NAMES = [
  'datacenters', 'file', 'key', 'keyExists', 'keyOrDefault', 'ls', 'safeLs', 'node', 'nodes', 'service', 'services',
  'tree', 'safeTree', 'scratch', 'base64Decode', 'base64Encode', 'base64URLDecode', 'base64URLEncode', 'byKey', 'byTag',
  'byPort', 'byMeta', 'contains', 'containsAll', 'containsAny', 'containsNone', 'containsNotAll', 'env', 'mustEnv',
  'envOrDefault', 'explode', 'explodeMap', 'mergeMap', 'mergeMapWithOverride', 'in', 'indent', 'loop', 'join', 'trim',
  'trimPrefix', 'trimSuffix', 'trimSpace', 'parseBool', 'parseFloat', 'parseInt', 'parseJSON', 'parseUint', 'parseYAML',
  'regexReplaceAll', 'regexMatch', 'replaceAll', 'sha256Hex', 'md5sum', 'hmacSHA256Hex', 'timestamp', 'toLower',
  'toJSON', 'toJSONPretty', 'toUnescapedJSON', 'toUnescapedJSONPretty', 'toTitle', 'toTOML', 'toUpper', 'toYAML',
  'split', 'splitToMap', 'add', 'subtract', 'multiply', 'divide', 'modulo', 'minimum', 'maximum',
];

describe('function sets', () => {
  for (const flavor of ['confd', 'consul-template'] as const) {
    it(`${flavor} defines every function of both tools`, () => {
      const names = functionNames(flavor);
      for (const name of [...CONFD_NAMES, ...CONFD_FORK_NAMES, ...CONSUL_NAMES]) assert.ok(names.has(name), name);
      assert.ok(!names.has('nosuchfunc'));
    });
  }

  it('the disputed names take the flavor meaning', () => {
    const confd = funcsFor('confd', consulData());
    const ct = funcsFor('consul-template', consulData());
    assert.deepEqual(call(confd, 'split', 'a,b', ','), ['a', 'b']);
    assert.deepEqual(call(ct, 'split', ',', 'a,b'), ['a', 'b']);
    assert.equal(call(confd, 'join', ['a', 'b'], '-'), 'a-b');
    assert.equal(call(ct, 'join', '-', ['a', 'b']), 'a-b');
    assert.equal(call(confd, 'contains', 'abc', 'b'), true);
    assert.equal(call(ct, 'contains', 'b', ['a', 'b']), true);
    assert.equal(call(confd, 'trimSuffix', 'a.conf', '.conf'), 'a');
    assert.equal(call(ct, 'trimSuffix', '.conf', 'a.conf'), 'a');
    assert.deepEqual(call(confd, 'ls', '/app/db'), ['host', 'port', 'user']);
    assert.deepEqual((call(ct, 'ls', 'app/db') as { Key: string }[]).map((p) => p.Key), ['host', 'port', 'user']);
    assert.deepEqual([confd.add!.params, ct.add!.params], [['int', 'int'], ['any', 'any']]);
    assert.equal(call(ct, 'add', 2, 10), 12);
  });

  it('every shared name is defined differently per flavor', () => {
    const confd = funcsFor('confd');
    const ct = funcsFor('consul-template');
    for (const name of SHARED_NAMES) assert.notEqual(confd[name], ct[name], name);
  });
});
