import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoFloat, type GoValue } from '../../../src/template/go/values.js';
import { goStruct } from '../../../src/template/functions/methods.js';
import { call, consulData, funcsFor, plain } from './helpers.js';

const confd = funcsFor('confd');
const ct = funcsFor('consul-template');

describe('base64', () => {
  const cases: [string, string, GoValue[], GoValue][] = [
    ['base64: decode', 'base64Decode', ['aGVsbG8gd29ybGQ='], 'hello world'],
    ['base64: encode', 'base64Encode', ['hi there'], 'aGkgdGhlcmU='],
    ['decode skips newlines', 'base64Decode', ['aGVs\nbG8='], 'hello'],
    ['base64URLEncode pads and uses -_', 'base64URLEncode', ['a?b'], 'YT9i'],
    ['base64URLDecode', 'base64URLDecode', ['_-8='], Buffer.from([0xff, 0xef]).toString('utf8')],
  ];
  for (const [name, fn, args, want] of cases) it(name, () => assert.equal(call(confd, fn, ...args), want));

  const errors: [string, string, string][] = [
    ['base64_invalid_error: a bad first byte', '!!!', 'illegal base64 data at input byte 0'],
    ['missing padding', 'aGVsbG8', 'illegal base64 data at input byte 4'],
    ['a lone character', 'a', 'illegal base64 data at input byte 0'],
    ['garbage after padding', 'aGk=x', 'illegal base64 data at input byte 4'],
    ['padding too early', 'a===', 'illegal base64 data at input byte 1'],
  ];
  for (const [name, input, message] of errors) {
    it(`confd ${name}`, () => assert.throws(() => call(confd, 'base64Decode', input), { message }));
  }
  it('consul-template wraps decode errors with the function name', () => {
    assert.throws(() => call(ct, 'base64Decode', '!!!'), { message: 'base64Decode: illegal base64 data at input byte 0' });
  });
});

describe('JSON parsing', () => {
  it('json_object: json returns a map with float64 numbers', () => {
    const m = call(confd, 'json', '{"host":"10.2.0.1","port":81,"tags":["a","b"],"weight":3}');
    assert.deepEqual(plain(m), { host: '10.2.0.1', port: { float: 81 }, tags: ['a', 'b'], weight: { float: 3 } });
  });

  it('json_array: jsonArray returns a list', () => {
    assert.deepEqual(call(confd, 'jsonArray', '["x","yy","zzz","w"]'), ['x', 'yy', 'zzz', 'w']);
  });

  it('json of null is an empty map', () => assert.deepEqual(plain(call(confd, 'json', 'null')), {}));

  const errors: [string, string, string, string][] = [
    ['json_invalid_error', 'json', '{not json', "invalid character 'n' looking for beginning of object key string"],
    ['an empty string', 'json', '', 'unexpected end of JSON input'],
    ['a truncated object', 'json', '{"a":1', 'unexpected end of JSON input'],
    ['a missing colon', 'json', '{"a" 1}', "invalid character '1' after object key"],
    ['a missing comma', 'json', '{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['trailing garbage', 'json', '{} x', "invalid character 'x' after top-level value"],
    ['a bad literal', 'json', '{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['a leading zero', 'jsonArray', '[01]', "invalid character '1' after array element"],
    ['an array for json', 'json', '[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['an object for jsonArray', 'jsonArray', '{}', 'json: cannot unmarshal object into Go value of type []interface {}'],
    ['a control character in a string', 'json', '{"a":"\n"}', "invalid character '\\n' in string literal"],
  ];
  for (const [name, fn, input, message] of errors) {
    it(`${fn} fails on ${name}`, () => assert.throws(() => call(confd, fn, input), { message }));
  }

  it('json_roundtrip: parseJSON accepts any value, "" is an empty map', () => {
    assert.deepEqual(plain(call(ct, 'parseJSON', '{"a":1,"b":[1,2],"c":{"d":"e"}}')), { a: { float: 1 }, b: [{ float: 1 }, { float: 2 }], c: { d: 'e' } });
    assert.deepEqual(plain(call(ct, 'parseJSON', '')), {});
    assert.equal(call(ct, 'parseJSON', '"s"'), 's');
  });
});

describe('JSON encoding', () => {
  it('json_roundtrip: toJSON of parsed JSON', () => {
    const value = call(ct, 'parseJSON', '{"c":{"d":"e"},"a":1,"b":[1,2]}');
    assert.equal(call(ct, 'toJSON', value), '{"a":1,"b":[1,2],"c":{"d":"e"}}');
  });

  it('toJSON_tree: explode of a tree', () => {
    const f = funcsFor('consul-template', consulData());
    const tree = call(f, 'explode', call(f, 'tree', 'upstreams'));
    assert.equal(call(f, 'toJSON', tree), '{"api":{"a1":"10.2.0.1:9000"},"web":{"w1":"10.1.0.1:80","w2":"10.1.0.2:80"}}');
  });

  it('toJSON escapes HTML characters; toUnescapedJSON does not', () => {
    assert.equal(call(ct, 'toJSON', '<a&b>'), '"\\u003ca\\u0026b\\u003e"');
    assert.equal(call(ct, 'toUnescapedJSON', '<a&b>'), '"<a&b>"');
  });

  it('toJSON keeps struct field order and prints floats as Go does', () => {
    const s = goStruct('T', { Z: 1, A: new GoFloat(1.5), N: null, L: [] });
    assert.equal(call(ct, 'toJSON', s), '{"Z":1,"A":1.5,"N":null,"L":[]}');
    assert.equal(call(ct, 'toJSON', new GoFloat(1e21)), '1e+21');
  });

  it('toJSONPretty indents by two spaces', () => {
    const m = new Map<string, GoValue>([['b', [1, 2]], ['a', new Map()]]);
    assert.equal(call(ct, 'toJSONPretty', m), '{\n  "a": {},\n  "b": [\n    1,\n    2\n  ]\n}');
  });

  it('toJSON of NaN fails like Go', () => {
    assert.throws(() => call(ct, 'toJSON', new GoFloat(Number.NaN)), { message: 'toJSON: json: unsupported value: NaN' });
  });
});

describe('YAML and TOML', () => {
  it('parseYAML: YAML 1.1 booleans, ints as int, floats as float64', () => {
    const v = call(ct, 'parseYAML', 'a: yes\nb: 3\nc: 1.5\nd: [x, 2]\ne: 2001-12-14\n');
    assert.deepEqual(plain(v), { a: true, b: 3, c: { float: 1.5 }, d: ['x', 2], e: '2001-12-14' });
    assert.deepEqual(plain(call(ct, 'parseYAML', '')), {});
  });

  it('toYAML: sorted keys, unindented sequences, quoted ambiguous strings and keys', () => {
    const m = new Map<string, GoValue>([['b', ['x', 'true']], ["a", new Map([["n", 1]])], ['c', '']]);
    assert.equal(call(ct, 'toYAML', m), 'a:\n  "n": 1\nb:\n- x\n- "true"\nc: ""');
  });

  it('toYAML lower-cases struct field names', () => {
    assert.equal(call(ct, 'toYAML', goStruct('T', { Key: 'k', CreateIndex: 0 })), 'key: k\ncreateindex: 0');
  });

  it('toTOML: values first, then tables indented by depth', () => {
    const m = new Map<string, GoValue>([
      ['t', new Map<string, GoValue>([['x', 'y'], ['sub', new Map([['z', 1]])]])],
      ['a', 'b'],
      ['n', new GoFloat(2)],
      ['l', [1, 2]],
    ]);
    assert.equal(call(ct, 'toTOML', m), 'a = "b"\nl = [1, 2]\nn = 2.0\n\n[t]\n  x = "y"\n  [t.sub]\n    z = 1');
  });
});

describe('hashes', () => {
  it('sha256Hex, md5sum, hmacSHA256Hex', () => {
    assert.equal(call(ct, 'sha256Hex', 'abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(call(ct, 'md5sum', 'abc'), '900150983cd24fb0d6963f7d28e17f72');
    assert.equal(call(ct, 'hmacSHA256Hex', 'msg', 'key'), '2d93cbc1be167bcb1637a4a23cbff01a7878f0c50ee833954ea5221bb1b8c628');
  });
});
