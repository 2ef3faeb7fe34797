import { goFunc, goSlice, GoChannel, GoFloat, GoInt, taggedType, type FuncMap, type GoStruct, type GoValue } from '../go/values.js';
import { sprintf, typeString } from '../go/print.js';
import { isTrue } from '../go/reflect.js';
import { parseInt64 } from './strconv.js';
import { wrapError } from './encoding.js';

/** Lists and maps: membership, explode, merge, loop, reverse, sorting, map. */

function sameElement(element: GoValue, v: GoValue): boolean {
  if (typeof element === 'number') return typeof v === 'number' && element === v;
  if (element instanceof GoFloat) return v instanceof GoFloat && element.value === v.value;
  return typeof element === 'string' && typeof v === 'string' && element === v;
}

/** consul-template's in: element of a list (same kind), or substring of a string. */
export function isIn(l: GoValue, v: GoValue): boolean {
  if (Array.isArray(l)) return l.some((element) => sameElement(element, v));
  if (typeof l === 'string') return typeof v === 'string' && l.includes(v);
  return false;
}

/** containsAll/Any/None/NotAll, as consul-template's containsSomeFunc(retTrue, invert). */
function containsSome(isRetTrue: boolean, isInverted: boolean) {
  return goFunc(['[]any', 'any'], (v: GoValue[], l: GoValue) => {
    for (const item of v ?? []) if (isIn(l, item) !== isInverted) return !isRetTrue;
    return isRetTrue;
  });
}

function explodeInto(m: Map<string, GoValue>, k: string, v: GoValue, p: string): void {
  const slash = k.indexOf('/');
  if (slash === -1) {
    if (k !== '') m.set(k, v);
    return;
  }
  const top = k.slice(0, slash);
  if (!m.has(top)) m.set(top, new Map());
  const nest = m.get(top);
  if (!(nest instanceof Map)) {
    throw new Error(`not a map: ${sprintf('%q', [p])}: ${sprintf('%q', [top])} already has value ${sprintf('%q', [nest as GoValue])}`);
  }
  explodeInto(nest as Map<string, GoValue>, k.slice(slash + 1), v, k);
}

/** consul-template's explode: KeyPairs → nested maps by "/". */
export function explode(pairs: readonly GoStruct[]): ReadonlyMap<string, GoValue> {
  const m = new Map<string, GoValue>();
  for (const pair of pairs ?? []) {
    const key = String(pair.Key);
    wrapError('explode', () => (explodeInto(m, key, pair.Value, key), null));
  }
  return m;
}

/** consul-template's explodeMap: flat "a/b" keys → nested maps. */
export function explodeMap(input: ReadonlyMap<string, GoValue>): ReadonlyMap<string, GoValue> {
  const m = new Map<string, GoValue>();
  for (const key of [...input.keys()].sort()) {
    wrapError('explodeMap', () => (explodeInto(m, key, input.get(key), key), null));
  }
  return m;
}

/**
 * consul-template's mergeMap: mergo.Map (v1.0.2) of src into dst, in place (the template sees
 * its first map changed), dst returned. A key dst lacks or holds empty takes src's value; with
 * `isOverride` every src value wins, nil and empty ones too; two maps merge recursively, in place;
 * without `isOverride` a nil src value is skipped.
 */
export function mergeMaps(dst: ReadonlyMap<string, GoValue>, src: ReadonlyMap<string, GoValue>, isOverride: boolean): ReadonlyMap<string, GoValue> {
  const out = dst as Map<string, GoValue>;
  for (const [k, v] of src) {
    if (v === null || v === undefined) {
      if (isOverride) out.set(k, null);
      continue;
    }
    const current = out.get(k);
    if (current instanceof Map && v instanceof Map) {
      mergeMaps(current, v, isOverride);
      if (isTrue(current)) continue;
    }
    if (isOverride || !out.has(k) || !isTrue(current)) out.set(k, v);
  }
  return out;
}

function loopBound(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return Number(v.value);
  if (typeof v === 'string') return Number((wrapError('parseInt', () => parseInt64(v)) as GoInt).value);
  throw new Error(`loop: bad argument type: ${typeString(v)}`);
}

/** consul-template's loop: a channel of int64 in [start, stop) (start defaults to 0). */
export function loop(...args: GoValue[]): GoChannel {
  if (args.length < 1 || args.length > 2) {
    throw new Error(`loop: wrong number of arguments, expected 1 or 2, but got ${args.length}`);
  }
  const [start, stop] = args.length === 1 ? [0, loopBound(args[0])] : [loopBound(args[0]), loopBound(args[1])];
  function* count() {
    for (let i = start; i < stop; i++) yield new GoInt(BigInt(i), 'int64');
  }
  return new GoChannel(count());
}

/**
 * confd's reverse: a reversed copy of a []string or []memkv.KVPair; anything else unchanged. Go's
 * type switch matches those exact types only: `gets` gives memkv.KVPairs, `jsonArray`
 * []interface {}, `seq` []int, and confd returns all of them as they were.
 */
export function reverse(values: GoValue): GoValue {
  if (!Array.isArray(values)) return values;
  const type = taggedType(values);
  if (type === '[]string' || type === '[]memkv.KVPair') return goSlice(type, [...(values as GoValue[])].reverse());
  return values;
}

/** confd's map: key/value arguments → map[string]interface{}. */
export function createMap(...values: GoValue[]): ReadonlyMap<string, GoValue> {
  if (values.length % 2 !== 0) throw new Error('invalid map call');
  const map = new Map<string, GoValue>();
  for (let i = 0; i < values.length; i += 2) {
    const key = values[i];
    if (typeof key !== 'string') throw new Error('map keys must be strings');
    map.set(key, values[i + 1]);
  }
  return map;
}

/** Go's len(s) counts bytes. */
const byByteLength = (a: string, b: string) => Buffer.byteLength(a) - Buffer.byteLength(b);

/** The collection functions (shared by both flavors except consul-template's `contains`). */
export function collectionFuncs(): FuncMap {
  return {
    in: goFunc(['any', 'any'], isIn),
    containsAll: containsSome(true, true),
    containsAny: containsSome(false, false),
    containsNone: containsSome(true, false),
    containsNotAll: containsSome(false, true),
    explode: goFunc(['any'], explode),
    explodeMap: goFunc(['map'], explodeMap),
    mergeMap: goFunc(['map', 'map'], (dst, src) => mergeMaps(dst, src, false)),
    mergeMapWithOverride: goFunc(['map', 'map'], (dst, src) => mergeMaps(dst, src, true)),
    loop: goFunc([], loop, 'any'),
    reverse: goFunc(['any'], reverse),
    sortByLength: goFunc(['[]string'], (values: string[]) => goSlice('[]string', [...values].sort(byByteLength))),
    sortKVByLength: goFunc(['any'], (pairs: GoStruct[]) =>
      goSlice('[]memkv.KVPair', [...(pairs ?? [])].sort((a, b) => byByteLength(String(a.Key), String(b.Key)))),
    ),
    map: goFunc([], createMap, 'any'),
  };
}

/** consul-template's contains: `contains needle list-or-string` (pipe-friendly `in`). */
export const consulContains = goFunc(['any', 'any'], (v: GoValue, l: GoValue) => isIn(l, v));
