import { compareStrings, typeName } from '../../go/reflect.js';
import { GoFloat, goFunc, GoInt, GoNil, goSlice, JsonNumber, taggedType, type FuncMap, type GoValue } from '../../go/values.js';
import { strval } from './cast.js';

/**
 * sprig's dict functions (dict.go) over map[string]interface{}. Go ranges over a map in random
 * order; `keys` and `values` list keys in sorted order, one of the orders Go may give.
 */

type Dict = Map<string, GoValue>;

const sortedKeys = (d: ReadonlyMap<string, GoValue>): string[] => [...d.keys()].sort(compareStrings);

function dict(...pairs: GoValue[]): Dict {
  const out: Dict = new Map();
  for (let i = 0; i < pairs.length; i += 2) out.set(strval(pairs[i]), i + 1 < pairs.length ? pairs[i + 1] : '');
  return out;
}

/** mergo's isEmptyValue: zero scalars, empty collections, nil; a struct never. */
function isMergoEmpty(v: GoValue): boolean {
  if (v === null || v === undefined || v instanceof GoNil) return true;
  if (v instanceof GoFloat) return v.value === 0;
  if (v instanceof GoInt) return v.value === 0n;
  if (v instanceof JsonNumber) return v.text === '';
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  return v === '' || v === 0 || v === false;
}

/**
 * mergo's deepMerge of two map[string]interface{} (imdario/mergo 0.3, as the reference links
 * it), changing `dst` in place: src fills dst's missing and empty keys (every key with
 * `overwrite`); a nested map merges into dst's map, and a non-empty dst value is never replaced
 * by a map or slice.
 */
function mergeMap(dst: Dict, src: ReadonlyMap<string, GoValue>, overwrite: boolean): void {
  for (const [key, value] of src) {
    const has = dst.has(key);
    const current = dst.get(key);
    if (value === null || value === undefined) {
      if (overwrite) dst.set(key, null);
      continue;
    }
    const isCollection = value instanceof Map || Array.isArray(value);
    if (value instanceof Map && current instanceof Map) mergeMap(current as Dict, value, overwrite);
    else if (Array.isArray(value)) {
      const replace = src.size > 0 && (overwrite || dst.size === 0);
      dst.set(key, replace || !has || current === null ? value : current);
    }
    if (has && !isMergoEmpty(current) && isCollection) continue;
    if (overwrite || !has || isMergoEmpty(current)) dst.set(key, value);
  }
}

/** sprig's merge and mergeOverwrite: every src into the first map, which is returned. */
function mergeInto(dst: Dict, srcs: readonly Dict[], overwrite: boolean): Dict {
  for (const src of srcs) mergeMap(dst, src, overwrite);
  return dst;
}

/** The dict in `value`, or Go's failed type assertion. */
function asDict(value: GoValue): Dict {
  if (value instanceof Map && taggedType(value) === undefined) return value as Dict;
  const type = value === null || value === undefined ? 'nil' : typeName(value);
  throw new Error(`interface conversion: interface {} is ${type}, not map[string]interface {}`);
}

function dig(...args: GoValue[]): GoValue {
  if (args.length < 3) throw new Error('dig needs at least three arguments');
  let current = asDict(args[args.length - 1]);
  const fallback = args[args.length - 2];
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new Error(`interface conversion: interface {} is ${k === null || k === undefined ? 'nil' : typeName(k)}, not string`);
    return k;
  });
  for (const [i, key] of keys.entries()) {
    if (!current.has(key)) return fallback;
    const step = current.get(key);
    if (i === keys.length - 1) return step;
    current = asDict(step);
  }
  return fallback;
}

/** copystructure.Copy: maps and slices copied all the way down. */
function deepCopy(value: GoValue): GoValue {
  if (Array.isArray(value)) {
    const type = taggedType(value);
    return type ? goSlice(type, value.map(deepCopy)) : value.map(deepCopy);
  }
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deepCopy(v)]));
  return value;
}

export function dictFuncs(): FuncMap {
  const merge = goFunc(['map'], (dst: Dict, ...srcs: Dict[]) => mergeInto(dst, srcs, false), 'map');
  const mergeOverwrite = goFunc(['map'], (dst: Dict, ...srcs: Dict[]) => mergeInto(dst, srcs, true), 'map');
  // copystructure.Copy(nil) fails inside reflect, and sprig reports that.
  const copy = goFunc(['any'], (value: GoValue) => {
    if (value === null || value === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
    return deepCopy(value);
  });
  return {
    dict: goFunc([], dict, 'any'),
    get: goFunc(['map', 'string'], (d: Dict, key: string) => (d.has(key) ? d.get(key) : '')),
    set: goFunc(['map', 'string', 'any'], (d: Dict, key: string, value: GoValue) => d.set(key, value)),
    unset: goFunc(['map', 'string'], (d: Dict, key: string) => (d.delete(key), d)),
    hasKey: goFunc(['map', 'string'], (d: Dict, key: string) => d.has(key)),
    pluck: goFunc(['string'], (key: string, ...dicts: Dict[]) => dicts.filter((d) => d.has(key)).map((d) => d.get(key)), 'map'),
    keys: goFunc([], (...dicts: Dict[]) => goSlice('[]string', dicts.flatMap(sortedKeys)), 'map'),
    values: goFunc(['map'], (d: Dict) => sortedKeys(d).map((k) => d.get(k))),
    pick: goFunc(['map'], (d: Dict, ...keys: string[]) => new Map(keys.filter((k) => d.has(k)).map((k) => [k, d.get(k)])), 'string'),
    omit: goFunc(['map'], (d: Dict, ...keys: string[]) => new Map([...d].filter(([k]) => !keys.includes(k))), 'string'),
    merge,
    mustMerge: merge,
    mergeOverwrite,
    mustMergeOverwrite: mergeOverwrite,
    deepCopy: copy,
    mustDeepCopy: copy,
    dig: goFunc([], dig, 'any'),
  };
}
