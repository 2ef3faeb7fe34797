import { compareStrings, typeName } from '../../go/reflect.js';
import { goFunc, goSlice, taggedType, type FuncMap, type GoValue } from '../../go/values.js';
import { mergeMaps } from '../collections.js';
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

/** mergo.Merge / MergeWithOverwrite into `dst` itself, as sprig's merge changes its first map. */
function mergeInto(dst: Dict, srcs: readonly Dict[], isOverride: boolean): Dict {
  for (const src of srcs) {
    const merged = mergeMaps(dst, src, isOverride);
    dst.clear();
    for (const [k, v] of merged) dst.set(k, v);
  }
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
