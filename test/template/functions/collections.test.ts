import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoChannel, GoFloat, goSlice, type GoStruct, type GoValue } from '../../../src/template/go/values.js';
import { typeName } from '../../../src/template/go/reflect.js';
import { kvPair } from '../../../src/template/functions/memkv.js';
import { toKeyPair } from '../../../src/template/functions/shapes.js';
import { call, funcsFor, plain, renderGo } from './helpers.js';

const f = funcsFor('consul-template');
const confd = funcsFor('confd');

describe('membership', () => {
  const cases: [string, string, GoValue[], boolean][] = [
    ['contains_in: in list "z"', 'in', [['a', 'b', 'c'], 'z'], false],
    ['contains_in: in string substring', 'in', ['abc', 'bc'], true],
    ['in compares ints with ints only', 'in', [[1, 2], 2], true],
    ['an int never equals a float64 element', 'in', [[new GoFloat(2)], 2], false],
    ['in of a non-list is false', 'in', [new Map(), 'a'], false],
    ['containsAll', 'containsAll', [['a', 'b'], ['a', 'b', 'c']], true],
    ['containsAll with one missing', 'containsAll', [['a', 'z'], ['a', 'b']], false],
    ['containsAny', 'containsAny', [['z', 'b'], ['a', 'b']], true],
    ['containsNone', 'containsNone', [['z'], ['a', 'b']], true],
    ['containsNotAll', 'containsNotAll', [['a', 'z'], ['a', 'b']], true],
  ];
  for (const [name, fn, args, want] of cases) it(name, () => assert.equal(call(f, fn, ...args), want));
});

describe('explode and merge', () => {
  it('explode nests KeyPairs by path', () => {
    const pairs = [toKeyPair('/a/b/c', 'b/c', '1'), toKeyPair('/a/d', 'd', '2')];
    assert.deepEqual(plain(call(f, 'explode', pairs)), { b: { c: '1' }, d: '2' });
  });

  it('explode fails when a key is both a value and a folder', () => {
    const pairs = [toKeyPair('/a', 'a', '1'), toKeyPair('/a/b', 'a/b', '2')];
    assert.throws(() => call(f, 'explode', pairs), { message: 'explode: not a map: "a/b": "a" already has value "1"' });
  });

  it('explodeMap nests a flat map', () => {
    assert.deepEqual(plain(call(f, 'explodeMap', new Map([['x/y', 1], ['z', 2]]))), { x: { y: 1 }, z: 2 });
  });

  it('mergeMap fills only missing keys; mergeMapWithOverride replaces', () => {
    const dst = new Map<string, GoValue>([['a', 1], ['n', new Map([['x', 1]])]]);
    const src = new Map<string, GoValue>([['a', 2], ['b', 3], ['n', new Map([['y', 2]])]]);
    assert.deepEqual(plain(call(f, 'mergeMap', dst, src)), { a: 1, n: { x: 1, y: 2 }, b: 3 });
    assert.deepEqual(plain(call(f, 'mergeMapWithOverride', dst, src)), { a: 2, n: { x: 1, y: 2 }, b: 3 });
  });

  // mergo.Map(&dst, src) (dario.cat/mergo v1.0.2) writes into dst, nested maps included.
  const merges: readonly [string, string, string][] = [
    ['mergeMap changes its first map in place', '{{ $a := dict "x" 1 }}{{ $_ := mergeMap $a (dict "y" 2) }}{{ $a }}', 'map[x:1 y:2]'],
    ['mergeMap merges nested maps in place', '{{ $n := dict "x" 1 }}{{ $_ := mergeMap (dict "n" $n) (dict "n" (dict "y" 2)) }}{{ $n }}', 'map[x:1 y:2]'],
    ['mergeMap fills empty values, keeps set ones', '{{ mergeMap (dict "a" "" "b" "x") (dict "a" "A" "b" "B") }}', 'map[a:A b:x]'],
    ['mergeMap skips a nil source value', '{{ mergeMap (dict) (dict "a" nil) }}', 'map[]'],
    ['mergeMapWithOverride: empty and nil source values win too', '{{ mergeMapWithOverride (dict "a" "x" "b" 1) (dict "a" "" "b" nil) }}', 'map[a: b:<nil>]'],
  ];
  for (const [name, template, want] of merges) {
    it(name, async () => assert.equal((await renderGo(template, 'consul-template')).output, want));
  }
});

describe('sequences', () => {
  it('loop returns a channel of int64 in [start, stop)', () => {
    const ch = call(f, 'loop', 5, 8);
    assert.ok(ch instanceof GoChannel);
    assert.deepEqual([...ch.values].map(plain), ['int64(5)', 'int64(6)', 'int64(7)']);
    assert.deepEqual([...(call(f, 'loop', 3) as GoChannel).values].map(plain), ['int64(0)', 'int64(1)', 'int64(2)']);
    assert.deepEqual([...(call(f, 'loop', '2') as GoChannel).values].map(plain), ['int64(0)', 'int64(1)']);
  });

  it('loop rejects bad arguments', () => {
    assert.throws(() => call(f, 'loop'), { message: 'loop: wrong number of arguments, expected 1 or 2, but got 0' });
    assert.throws(() => call(f, 'loop', true), { message: 'loop: bad argument type: bool' });
  });

  // confd's Reverse switches on the exact types []string and []memkv.KVPair; the rest come back as they were.
  const reverseCases: readonly { name: string; input: GoValue; expected: GoValue }[] = [
    { name: 'getvs values ([]string) are reversed', input: goSlice('[]string', ['10.0.0.10:80', '10.0.0.1:80', '10.0.0.2:80']), expected: ['10.0.0.2:80', '10.0.0.1:80', '10.0.0.10:80'] },
    { name: 'sortKVByLength pairs ([]memkv.KVPair) are reversed', input: goSlice('[]memkv.KVPair', [kvPair('/a', '1'), kvPair('/b', '2')]), expected: [{ Key: '/b', Value: '2' }, { Key: '/a', Value: '1' }] },
    { name: 'gets pairs (memkv.KVPairs) come back unreversed', input: goSlice('memkv.KVPairs', [kvPair('/a', '1'), kvPair('/b', '2')]), expected: [{ Key: '/a', Value: '1' }, { Key: '/b', Value: '2' }] },
    { name: 'seq ([]int) comes back unreversed', input: goSlice('[]int', [1, 2]), expected: [1, 2] },
    { name: 'jsonArray ([]interface {}) comes back unreversed', input: ['x', 'y'], expected: ['x', 'y'] },
  ];
  for (const { name, input, expected } of reverseCases) {
    it(`reverse: ${name}`, () => {
      assert.deepEqual(plain(call(confd, 'reverse', input) as GoStruct[]), expected);
    });
  }

  it('reverse keeps the slice type, so printf %T still says []string', () => {
    assert.equal(typeName(call(confd, 'reverse', call(confd, 'split', 'a,b', ','))), '[]string');
  });

  it('sortByLength and sortKVByLength are stable by byte length', () => {
    assert.deepEqual(call(confd, 'sortByLength', ['ccc', 'a', 'bb', 'é']), ['a', 'bb', 'é', 'ccc']);
    assert.deepEqual(plain(call(confd, 'sortKVByLength', [kvPair('/aa', '1'), kvPair('/b', '2')])), [{ Key: '/b', Value: '2' }, { Key: '/aa', Value: '1' }]);
  });
});

describe('map', () => {
  it('map_func: builds a map from pairs', () => {
    assert.deepEqual(plain(call(confd, 'map', 'a', 1, 'b', 'two')), { a: 1, b: 'two' });
  });
  it('map_odd_args_error', () => assert.throws(() => call(confd, 'map', 'a'), { message: 'invalid map call' }));
  it('map keys must be strings', () => assert.throws(() => call(confd, 'map', 1, 2), { message: 'map keys must be strings' }));
});
