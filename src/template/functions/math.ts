import { goFunc, goSlice, GoFloat, GoInt, type FuncMap, type GoValue } from '../go/values.js';
import { wrapError } from './encoding.js';
import { sprintf, typeString } from '../go/print.js';
import { atoiValue, parseBool, parseFloat64, parseInt64, parseUint64 } from './strconv.js';

/** Arithmetic and number/bool parsing. */

const DIVIDE_BY_ZERO = 'runtime error: integer divide by zero';

// The confd fork's words; upstream confd's `a / b` panicked with Go's runtime message.
function intDiv(a: number, b: number): number {
  if (b === 0) throw new Error('division by zero');
  return Math.trunc(a / b);
}

function intMod(a: number, b: number): number {
  if (b === 0) throw new Error('modulo by zero');
  return a % b;
}

/** confd: `func(a, b int) int` arithmetic. */
export function confdMathFuncs(): FuncMap {
  const int2 = (op: (a: number, b: number) => number) => goFunc(['int', 'int'], op);
  return {
    add: int2((a, b) => a + b),
    sub: int2((a, b) => a - b),
    mul: int2((a, b) => a * b),
    div: int2(intDiv),
    mod: int2(intMod),
    seq: goFunc(['int', 'int'], (first: number, last: number) => {
      const out: number[] = [];
      for (let i = first; i <= last; i++) out.push(i);
      return goSlice('[]int', out);
    }),
    atoi: goFunc(['string'], atoiValue),
    parseBool: goFunc(['string'], parseBool),
  };
}

type Operand = { readonly isFloat: boolean; readonly value: number };

function operand(name: string, v: GoValue): Operand {
  if (typeof v === 'number') return { isFloat: false, value: v };
  if (v instanceof GoInt) return { isFloat: false, value: Number(v.value) };
  if (v instanceof GoFloat) return { isFloat: true, value: v.value };
  throw new Error(`${name}: unknown type for ${sprintf('%q', [v])} (${typeString(v)})`);
}

/**
 * consul-template's reflect-based math: `OP b a` computes `a OP b`, so the piped value is the
 * left operand (`{{ 10 | subtract 3 }}` = 7); any float operand makes the result a float.
 */
function ctArithmetic(name: string, op: (a: number, b: number) => number, isIntOnly = false) {
  return goFunc(['any', 'any'], (b: GoValue, a: GoValue) => {
    const left = operand(name, a);
    const right = operand(name, b);
    if (isIntOnly && (left.isFloat || right.isFloat)) {
      const bad = left.isFloat ? a : b;
      throw new Error(`${name}: unknown type for ${sprintf('%q', [bad])} (${typeString(bad)})`);
    }
    if (left.isFloat || right.isFloat) return new GoFloat(op(left.value, right.value));
    if ((name === 'divide' || name === 'modulo') && right.value === 0) throw new Error(DIVIDE_BY_ZERO);
    return name === 'divide' ? Math.trunc(left.value / right.value) : op(left.value, right.value);
  });
}

/** Returns whichever of a, b `pick` chooses, keeping its own int/float type. */
function ctChoose(name: string, isFirst: (a: number, b: number) => boolean) {
  return goFunc(['any', 'any'], (b: GoValue, a: GoValue) => {
    const left = operand(name, a);
    const right = operand(name, b);
    const chosen = isFirst(left.value, right.value) ? left : right;
    return chosen.isFloat ? new GoFloat(chosen.value) : chosen.value;
  });
}

/** consul-template's math and parse functions. */
export function consulMathFuncs(): FuncMap {
  return {
    add: ctArithmetic('add', (a, b) => a + b),
    subtract: ctArithmetic('subtract', (a, b) => a - b),
    multiply: ctArithmetic('multiply', (a, b) => a * b),
    divide: ctArithmetic('divide', (a, b) => a / b),
    modulo: ctArithmetic('modulo', (a, b) => a % b, true),
    minimum: ctChoose('minimum', (a, b) => a < b),
    maximum: ctChoose('maximum', (a, b) => a > b),
    parseBool: goFunc(['string'], (s: string) => (s === '' ? false : wrapError('parseBool', () => parseBool(s)))),
    parseInt: goFunc(['string'], (s: string) => (s === '' ? new GoInt(0n, 'int64') : wrapError('parseInt', () => parseInt64(s)))),
    parseUint: goFunc(['string'], (s: string) => (s === '' ? new GoInt(0n, 'uint64') : wrapError('parseUint', () => parseUint64(s)))),
    parseFloat: goFunc(['string'], (s: string) =>
      s === '' ? new GoFloat(0) : wrapError('parseFloat', () => new GoFloat(parseFloat64(s))),
    ),
  };
}
