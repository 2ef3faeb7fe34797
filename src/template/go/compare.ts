/**
 * The comparison builtins (eq ne lt le gt ge) with Go's rules: basic kinds only compare with
 * the same kind (`incompatible types for comparison`), nil compares with anything nillable.
 */
import { sprint } from './print.js';
import { compareStrings, isStruct, typeName } from './reflect.js';
import { GoChannel, GoFloat, GoInt, JsonNumber, type GoValue } from './values.js';

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(value: GoValue): BasicKind {
  switch (typeof value) {
    case 'boolean': return 'bool';
    case 'number': return 'int';
    case 'string': return 'string';
  }
  if (value instanceof JsonNumber) return 'string';
  // Go compares signed with unsigned integers by value (eq and lt since Go 1.18's text/template).
  if (value instanceof GoInt) return 'int';
  return value instanceof GoFloat ? 'float' : 'invalid';
}

/** Go's reflect kind of a non-basic value, for canCompare. */
function compositeKind(value: GoValue): string {
  if (value === null || value === undefined) return 'invalid';
  if (Array.isArray(value)) return 'slice';
  if (value instanceof Map) return 'map';
  if (value instanceof GoChannel) return 'chan';
  return 'struct';
}

const isNil = (value: GoValue): boolean => value === null || value === undefined;

function basicValue(value: GoValue): boolean | number | bigint | string {
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof GoInt) return value.value;
  return value instanceof GoFloat ? value.value : (value as boolean | number | string);
}

/** Equality of two basic values of one kind; a number and a bigint compare by value. */
function sameBasic(a: GoValue, b: GoValue): boolean {
  // eslint-disable-next-line eqeqeq -- loose equality compares number with bigint exactly
  return basicValue(a) == basicValue(b);
}

function structsEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (!isStruct(a) || !isStruct(b) || typeName(a) !== typeName(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => {
    const [x, y] = [a[k], b[k]];
    return basicKind(x) === 'invalid' ? structsEqual(x, y) : basicKind(x) === basicKind(y) && sameBasic(x, y);
  });
}

function equalComposite(a: GoValue, b: GoValue): boolean {
  const [k1, k2] = [compositeKind(a), compositeKind(b)];
  if (k1 !== k2 && k1 !== 'invalid' && k2 !== 'invalid') {
    throw new Error(`non-comparable types ${sprint([a])}: ${typeName(a)}, ${typeName(b)}: ${sprint([b])}`);
  }
  if (isNil(a) || isNil(b)) return isNil(a) === isNil(b);
  if (k2 === 'slice' || k2 === 'map') throw new Error(`non-comparable type ${sprint([b])}: ${typeName(b)}`);
  return k2 === 'struct' ? structsEqual(a, b) : a === b;
}

/** eq: arg1 == arg2 || arg1 == arg3 … */
export function eq(arg1: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (!isNil(arg1) && !isNil(arg)) throw new Error('incompatible types for comparison');
    } else if (k1 !== 'invalid') {
      truth = sameBasic(arg1, arg);
    } else {
      truth = equalComposite(arg1, arg);
    }
    if (truth) return true;
  }
  return false;
}

/** lt: arg1 < arg2, for ints, floats and strings of the same kind. */
export function lt(arg1: GoValue, arg2: GoValue): boolean {
  const [k1, k2] = [basicKind(arg1), basicKind(arg2)];
  if (k1 === 'invalid' || k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  if (k1 === 'bool') throw new Error('invalid type for comparison');
  if (k1 === 'string') return compareStrings(arg1 as string, arg2 as string) < 0;
  return (basicValue(arg1) as number) < (basicValue(arg2) as number);
}

export const ne = (a: GoValue, b: GoValue): boolean => !eq(a, b);
export const le = (a: GoValue, b: GoValue): boolean => lt(a, b) || eq(a, b);
export const gt = (a: GoValue, b: GoValue): boolean => !le(a, b);
export const ge = (a: GoValue, b: GoValue): boolean => !lt(a, b);
