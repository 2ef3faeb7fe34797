import { sprint } from '../../go/print.js';
import { goFunc, goSlice, GoInt, type FuncMap, type GoValue } from '../../go/values.js';
import { float64, int64, toFloat64, toInt64 } from './cast.js';
import { add, div, fromFloat, mul, sub, toFloat, type Decimal } from './decimal.js';

/** sprig's numeric.go and the arithmetic entries of its function map (int64 and float64). */

function divide(a: GoValue, b: GoValue, op: (x: bigint, y: bigint) => bigint): GoValue {
  const y = toInt64(b);
  if (y === 0n) throw new Error('runtime error: integer divide by zero');
  return int64(op(toInt64(a), y));
}

/** sprig's execDecimalOp: operands as decimals of their float values, folded with `op`. */
function decimalOp(first: GoValue, rest: readonly GoValue[], op: (a: Decimal, b: Decimal) => Decimal): GoValue {
  return float64(toFloat(rest.reduce<Decimal>((acc, x) => op(acc, fromFloat(toFloat64(x))), fromFloat(toFloat64(first)))));
}

function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (stop < start) {
    if (step >= 0) return goSlice('[]int', out);
    for (let i = start; i > stop; i += step) out.push(i);
  } else if (step > 0) {
    for (let i = start; i < stop; i += step) out.push(i);
  }
  return goSlice('[]int', out);
}

function seq(...params: number[]): string {
  const numbers = (() => {
    switch (params.length) {
      case 1: {
        const end = params[0]!;
        const increment = end < 1 ? -1 : 1;
        return untilStep(1, end + increment, increment);
      }
      case 2: {
        const [start, end] = params as [number, number];
        const step = end < start ? -1 : 1;
        return untilStep(start, end + step, step);
      }
      case 3: {
        const [start, step, end] = params as [number, number, number];
        const increment = end < start ? -1 : 1;
        if (end < start && step > 0) return [];
        return untilStep(start, end + increment, step);
      }
      default:
        return [];
    }
  })();
  return numbers.join(' ');
}

/** sprig's round: half-up (or at `roundOn`) to `places` decimal places. */
function round(a: GoValue, places: number, ...roundOn: GoValue[]): GoValue {
  const pow = Math.pow(10, places);
  const digit = pow * toFloat64(a);
  const fraction = digit - Math.trunc(digit);
  const threshold = roundOn.length > 0 ? toFloat64(roundOn[0]) : 0.5;
  return float64((fraction >= threshold ? Math.ceil(digit) : Math.floor(digit)) / pow);
}

/** strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on error. */
function toDecimal(v: GoValue): GoValue {
  const text = sprint([v]);
  if (!/^[+-]?[0-7]+$/.test(text)) return int64(0n);
  const magnitude = BigInt(`0o${text.replace(/^[+-]/, '')}`);
  const value = text.startsWith('-') ? -magnitude : magnitude;
  return int64(value >= -(2n ** 63n) && value < 2n ** 63n ? value : 0n);
}

function randInt(min: number, max: number): number {
  if (max - min <= 0) throw new Error('invalid argument to Intn');
  return min + Math.floor(Math.random() * (max - min));
}

const extreme = (pick: (a: bigint, b: bigint) => boolean) => (a: GoValue, ...rest: GoValue[]): GoValue =>
  int64(rest.map(toInt64).reduce((acc, b) => (pick(b, acc) ? b : acc), toInt64(a)));

export function mathFuncs(): FuncMap {
  const max = goFunc(['any'], extreme((b, acc) => b > acc), 'any');
  return {
    add1: goFunc(['any'], (i: GoValue) => int64(toInt64(i) + 1n)),
    add: goFunc([], (...values: GoValue[]) => int64(values.reduce<bigint>((acc, v) => acc + toInt64(v), 0n)), 'any'),
    sub: goFunc(['any', 'any'], (a: GoValue, b: GoValue) => int64(toInt64(a) - toInt64(b))),
    div: goFunc(['any', 'any'], (a: GoValue, b: GoValue) => divide(a, b, (x, y) => x / y)),
    mod: goFunc(['any', 'any'], (a: GoValue, b: GoValue) => divide(a, b, (x, y) => x % y)),
    mul: goFunc(['any'], (a: GoValue, ...rest: GoValue[]) => int64(rest.reduce<bigint>((acc, v) => BigInt.asIntN(64, acc * toInt64(v)), toInt64(a))), 'any'),
    randInt: goFunc(['int', 'int'], randInt),
    add1f: goFunc(['any'], (i: GoValue) => decimalOp(i, [1], add)),
    addf: goFunc([], (...values: GoValue[]) => decimalOp(float64(0), values, add), 'any'),
    subf: goFunc(['any'], (a: GoValue, ...rest: GoValue[]) => decimalOp(a, rest, sub), 'any'),
    divf: goFunc(['any'], (a: GoValue, ...rest: GoValue[]) => decimalOp(a, rest, div), 'any'),
    mulf: goFunc(['any'], (a: GoValue, ...rest: GoValue[]) => decimalOp(a, rest, mul), 'any'),
    biggest: max,
    max,
    min: goFunc(['any'], extreme((b, acc) => b < acc), 'any'),
    maxf: goFunc(['any'], (a: GoValue, ...rest: GoValue[]) => float64(rest.reduce<number>((acc, b) => Math.max(acc, toFloat64(b)), toFloat64(a))), 'any'),
    minf: goFunc(['any'], (a: GoValue, ...rest: GoValue[]) => float64(rest.reduce<number>((acc, b) => Math.min(acc, toFloat64(b)), toFloat64(a))), 'any'),
    ceil: goFunc(['any'], (a: GoValue) => float64(Math.ceil(toFloat64(a)))),
    floor: goFunc(['any'], (a: GoValue) => float64(Math.floor(toFloat64(a)))),
    round: goFunc(['any', 'int'], round, 'float64'),
    int64: goFunc(['any'], (v: GoValue) => int64(toInt64(v))),
    int: goFunc(['any'], (v: GoValue) => {
      const n = toInt64(v);
      return Number.isSafeInteger(Number(n)) ? Number(n) : new GoInt(n, 'int');
    }),
    float64: goFunc(['any'], (v: GoValue) => float64(toFloat64(v))),
    seq: goFunc([], seq, 'int'),
    toDecimal: goFunc(['any'], toDecimal),
    until: goFunc(['int'], (count: number) => untilStep(0, count, count < 0 ? -1 : 1)),
    untilStep: goFunc(['int', 'int', 'int'], untilStep),
  };
}
