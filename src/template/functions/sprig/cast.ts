import { parseIntLiteral } from '../../go/strconv.js';
import { sprint } from '../../go/print.js';
import { isStruct, typeName } from '../../go/reflect.js';
import { GoChannel, GoFloat, GoInt, GoNil, goSlice, JsonNumber, type GoValue } from '../../go/values.js';
import { parseFloat64 } from '../strconv.js';

/**
 * The conversions sprig applies to interface{} arguments: spf13/cast's ToInt64/ToInt/ToFloat64
 * (errors become 0, as sprig ignores them), its strval and strslice, and reflect's Kind.
 */

/** cast's trimZeroDecimal: "1.00" → "1" (any other fraction is left, and fails to parse). */
function trimZeroDecimal(s: string): string {
  const m = /^(.*)\.0+$/.exec(s);
  return m && m[1] !== '' ? m[1]! : s;
}

/** strconv.ParseInt(trimZeroDecimal(s), 0, 64), or undefined. */
function parseCastInt(s: string): bigint | undefined {
  const value = parseIntLiteral(trimZeroDecimal(s));
  return value === null || value < -(2n ** 63n) || value >= 2n ** 63n ? undefined : value;
}

/** Go's int64(f) conversion (amd64 gives the minimum int64 when f does not fit). */
function truncateFloat(f: number): bigint {
  if (!Number.isFinite(f) || Math.abs(f) >= 2 ** 63) return -(2n ** 63n);
  return BigInt(Math.trunc(f));
}

/** cast.ToInt64: integers, floats (truncated), numeric strings (base prefixes), bools; else 0. */
export function toInt64(v: GoValue): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (v instanceof GoInt) return BigInt.asIntN(64, v.value);
  if (v instanceof GoFloat) return truncateFloat(v.value);
  if (typeof v === 'string') return parseCastInt(v) ?? 0n;
  if (v instanceof JsonNumber) return parseCastInt(v.text) ?? 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return 0n;
}

/** cast.ToInt, as a JS number (an int64 on the reference's platform). */
export function toInt(v: GoValue): number {
  return Number(toInt64(v));
}

/** cast.ToFloat64. */
export function toFloat64(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return Number(v.value);
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const text = typeof v === 'string' ? v : v instanceof JsonNumber ? v.text : undefined;
  if (text === undefined) return 0;
  try {
    // ParseFloat takes Go's literal syntax, underscores between digits included.
    return parseFloat64(GO_UNDERSCORES.test(text) ? text.replaceAll('_', '') : text);
  } catch {
    return 0;
  }
}

const GO_UNDERSCORES = /^[+-]?(?=.*_)([0-9]+(_[0-9]+)*)?(\.([0-9]+(_[0-9]+)*)?)?([eE][+-]?[0-9]+(_[0-9]+)*)?$/;

/** An int64 result. */
export const int64 = (n: bigint): GoInt => new GoInt(BigInt.asIntN(64, n), 'int64');

/** A float64 result. */
export const float64 = (n: number): GoFloat => new GoFloat(n);

/** sprig's strval: a string as is, a Stringer's String(), else fmt's %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof JsonNumber) return v.text;
  return sprint([v]);
}

/** sprig's strslice: a []string as is, other lists' non-nil elements through strval, nil → []. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) {
    if (typeName(v) === '[]string') return v as string[];
    return goSlice('[]string', v.filter((item: GoValue) => item !== null && item !== undefined).map(strval));
  }
  if (v === null || v === undefined) return goSlice('[]string', []);
  return goSlice('[]string', [strval(v)]);
}

/** reflect.Kind's name for a value (`invalid` for nil). */
export function kindOf(v: GoValue): string {
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'string' || v instanceof JsonNumber) return 'string';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoFloat) return 'float64';
  if (v instanceof GoInt) return v.type === 'int' ? 'int' : v.type.replace(/^.*\./, '');
  if (v instanceof GoNil) return 'ptr';
  if (v instanceof GoChannel) return 'chan';
  if (Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  return typeName(v).startsWith('*') ? 'ptr' : 'struct';
}

/** Whether a value is a slice or array (reflect Kind Slice/Array). */
export const isList = (v: GoValue): v is readonly GoValue[] => Array.isArray(v);

/** sprig's empty: nil, zero numbers, false, empty strings and collections; structs never. */
export function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined || v instanceof GoNil) return true;
  if (typeof v === 'string') return v === '';
  if (v instanceof JsonNumber) return v.text === '';
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return !v;
  if (v instanceof GoFloat) return v.value === 0;
  if (v instanceof GoInt) return v.value === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (v instanceof GoChannel) return false;
  return typeName(v).startsWith('*') ? false : !isStruct(v);
}

/** reflect.DeepEqual over template values: types must match, then contents. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof GoFloat && b instanceof GoFloat) return a.value === b.value;
  if (a instanceof GoInt && b instanceof GoInt) return a.value === b.value;
  if (a instanceof JsonNumber && b instanceof JsonNumber) return a.text === b.text;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item: GoValue, i: number) => deepEqual(item, b[i]));
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k)));
  }
  if (isStruct(a) && isStruct(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
