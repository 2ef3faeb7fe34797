import { goFunc, goSlice, nilSlice, taggedType, type FuncMap, type GoValue } from '../../go/values.js';
import { deepEqual, isEmpty, kindOf, toInt } from './cast.js';

/**
 * sprig's list functions (list.go). Each `mustX` returns the error `X` panics with, and Go's
 * template engine turns both into the same call error, so one implementation serves both.
 */

/** reflect.TypeOf(v).Kind() as the list functions use it: on nil it is a nil dereference. */
function listKind(v: GoValue): string {
  if (v === null || v === undefined) throw new Error('runtime error: invalid memory address or nil pointer dereference');
  return kindOf(v);
}

/** The elements of a slice argument, or the error `message(kind)`. */
function elements(v: GoValue, message: (kind: string) => string): readonly GoValue[] {
  const kind = listKind(v);
  if (!Array.isArray(v)) throw new Error(message(kind));
  return v;
}

const push = (list: GoValue, v: GoValue): GoValue[] => [...elements(list, (k) => `Cannot push on type ${k}`), v];
const prepend = (list: GoValue, v: GoValue): GoValue[] => [v, ...elements(list, (k) => `Cannot prepend on type ${k}`)];

const makesliceError = () => new Error('runtime error: makeslice: len out of range');

/** Go's int(f) on amd64: NaN and out-of-range floats become the minimum int64. */
const goInt = (f: number): number => (Number.isFinite(f) && Math.abs(f) < 2 ** 63 ? Math.trunc(f) : -(2 ** 63));

/** sprig's chunk, float arithmetic included: a size below 1 mostly fails in make(), not always. */
function chunk(size: number, list: GoValue): GoValue[][] {
  const items = elements(list, (k) => `Cannot chunk type ${k}`);
  const count = goInt(Math.floor((items.length - 1) / size) + 1);
  if (count < 0) throw makesliceError();
  const chunks: GoValue[][] = [];
  for (let i = 0; i < count; i++) {
    let length = size;
    if (i === count - 1) length = goInt(Math.floor(items.length % size)) || size;
    if (length < 0) throw makesliceError();
    chunks.push(Array.from({ length }, (_, j) => {
      const at = i * size + j;
      if (at < 0 || at >= items.length) throw new Error(`runtime error: index out of range [${at}] with length ${items.length}`);
      return items[at];
    }));
  }
  return goSlice('[][]interface {}', chunks);
}

function first(list: GoValue): GoValue {
  const items = elements(list, (k) => `Cannot find first on type ${k}`);
  return items.length === 0 ? null : items[0];
}

function last(list: GoValue): GoValue {
  const items = elements(list, (k) => `Cannot find last on type ${k}`);
  return items.length === 0 ? null : items[items.length - 1];
}

/** rest/initial of an empty list is a nil []interface{}. */
function rest(list: GoValue): GoValue[] {
  const items = elements(list, (k) => `Cannot find rest on type ${k}`);
  return items.length === 0 ? nilSlice('[]interface {}') : items.slice(1);
}

function initial(list: GoValue): GoValue[] {
  const items = elements(list, (k) => `Cannot find initial on type ${k}`);
  return items.length === 0 ? nilSlice('[]interface {}') : items.slice(0, -1);
}

const reverse = (list: GoValue): GoValue[] => [...elements(list, (k) => `Cannot find reverse on type ${k}`)].reverse();
const compact = (list: GoValue): GoValue[] => elements(list, (k) => `Cannot compact on type ${k}`).filter((v) => !isEmpty(v));

function uniq(list: GoValue): GoValue[] {
  const out: GoValue[] = [];
  for (const item of elements(list, (k) => `Cannot find uniq on type ${k}`)) {
    if (!out.some((seen) => deepEqual(item, seen))) out.push(item);
  }
  return out;
}

function without(list: GoValue, ...omit: GoValue[]): GoValue[] {
  return elements(list, (k) => `Cannot find without on type ${k}`).filter((item) => !omit.some((o) => deepEqual(item, o)));
}

function has(needle: GoValue, haystack: GoValue): boolean {
  if (haystack === null || haystack === undefined) return false;
  return elements(haystack, (k) => `Cannot find has on type ${k}`).some((item) => deepEqual(needle, item));
}

/** sprig's slice: list[start:end] keeping the list's type; an empty list gives nil. */
function slice(list: GoValue, ...indices: GoValue[]): GoValue {
  const items = elements(list, (k) => `list should be type of slice or array but ${k}`);
  if (items.length === 0) return null;
  const start = indices.length > 0 ? toInt(indices[0]) : 0;
  const end = indices.length < 2 ? items.length : toInt(indices[1]);
  if (start < 0 || end < start || end > items.length) throw new Error('reflect.Value.Slice: slice index out of bounds');
  const type = taggedType(items);
  const out = items.slice(start, end);
  return type ? goSlice(type, out) : out;
}

/** sprig's concat: a []interface{}, nil until some list adds an element. */
function concat(...lists: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const list of lists) {
    const kind = listKind(list);
    if (!Array.isArray(list)) throw new Error(`Cannot concat type ${kind} as list`);
    out.push(...list);
  }
  return out.length === 0 ? nilSlice('[]interface {}') : out;
}

export function listFuncs(): FuncMap {
  const funcs: Record<string, ReturnType<typeof goFunc>> = {
    list: goFunc([], (...values: GoValue[]) => values, 'any'),
    tuple: goFunc([], (...values: GoValue[]) => values, 'any'),
    push: goFunc(['any', 'any'], push),
    append: goFunc(['any', 'any'], push),
    prepend: goFunc(['any', 'any'], prepend),
    chunk: goFunc(['int', 'any'], chunk),
    first: goFunc(['any'], first),
    last: goFunc(['any'], last),
    rest: goFunc(['any'], rest),
    initial: goFunc(['any'], initial),
    reverse: goFunc(['any'], reverse),
    compact: goFunc(['any'], compact),
    uniq: goFunc(['any'], uniq),
    without: goFunc(['any'], without, 'any'),
    has: goFunc(['any', 'any'], has),
    slice: goFunc(['any'], slice, 'any'),
    concat: goFunc([], concat, 'any'),
  };
  for (const name of ['push', 'append', 'prepend', 'chunk', 'first', 'last', 'rest', 'initial', 'reverse', 'compact', 'uniq', 'without', 'has', 'slice']) {
    funcs[`must${name[0]!.toUpperCase()}${name.slice(1)}`] = funcs[name]!;
  }
  return funcs;
}
