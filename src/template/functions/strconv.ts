import { quote } from '../go/strconv.js';
import { GoInt, type GoValue } from '../go/values.js';

/** Go's strconv number and bool parsing, with its exact error texts. */

function numError(fn: string, s: string, reason: 'invalid syntax' | 'value out of range'): Error {
  return new Error(`strconv.${fn}: parsing ${quote(s)}: ${reason}`);
}

function parseDecimal(fn: string, s: string, min: bigint, max: bigint, isSigned: boolean): bigint {
  const re = isSigned ? /^[+-]?[0-9]+$/ : /^[0-9]+$/;
  if (!re.test(s)) throw numError(fn, s, 'invalid syntax');
  const value = BigInt(s);
  if (value < min || value > max) throw numError(fn, s, 'value out of range');
  return value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.Atoi as a number (precision beyond 2^53 lost: for internal use). */
export function atoi(s: string): number {
  return Number(parseDecimal('Atoi', s, INT64_MIN, INT64_MAX, true));
}

/** strconv.Atoi as the template sees it: an int, exact beyond 2^53. */
export function atoiValue(s: string): GoValue {
  const value = parseDecimal('Atoi', s, INT64_MIN, INT64_MAX, true);
  return Number.isSafeInteger(Number(value)) ? Number(value) : new GoInt(value, 'int');
}

/** strconv.ParseInt(s, 10, 64). */
export function parseInt64(s: string): GoInt {
  return new GoInt(parseDecimal('ParseInt', s, INT64_MIN, INT64_MAX, true), 'int64');
}

/** strconv.ParseUint(s, 10, 64). */
export function parseUint64(s: string): GoInt {
  return new GoInt(parseDecimal('ParseUint', s, 0n, UINT64_MAX, false), 'uint64');
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool. */
export function parseBool(s: string): boolean {
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${quote(s)}: invalid syntax`);
}

const DECIMAL_FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F_]*)\.?([0-9a-fA-F_]*)[pP]([+-]?[0-9]+)$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;

function parseHexFloat(match: RegExpExecArray): number {
  const [, sign, intDigits = '', fracDigits = '', exp = '0'] = match;
  const int = intDigits.replaceAll('_', '');
  const frac = fracDigits.replaceAll('_', '');
  if (int === '' && frac === '') return Number.NaN;
  const mantissa = Number.parseInt(`${int}${frac}` || '0', 16);
  const value = mantissa * 2 ** (Number(exp) - 4 * frac.length);
  return sign === '-' ? -value : value;
}

/** strconv.ParseFloat(s, 64): decimal, hex (0x1p-2), inf/infinity/nan. */
export function parseFloat64(s: string): number {
  const special = SPECIAL_FLOAT.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  let value: number;
  const hex = HEX_FLOAT.exec(s);
  if (hex) value = parseHexFloat(hex);
  else if (DECIMAL_FLOAT.test(s)) value = Number(s);
  else value = Number.NaN;
  if (Number.isNaN(value)) throw numError('ParseFloat', s, 'invalid syntax');
  if (!Number.isFinite(value)) throw numError('ParseFloat', s, 'value out of range');
  return value;
}
