/**
 * The float64 layouts that work on the binary representation (strconv's %b and %x/%X), and
 * fmt's `#` flag for floats (keep the decimal point and trailing zeros).
 */

const MANT_BITS = 52n;
const MASK64 = (1n << 64n) - 1n;
const BIT60 = 1n << 60n;

/** Sign, mantissa and binary exponent of a finite v, as strconv's FormatFloat decomposes it. */
function decompose(v: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> MANT_BITS) & 0x7ffn);
  let mant = bits & ((1n << MANT_BITS) - 1n);
  if (exp === 0) exp++; // denormal
  else mant |= 1n << MANT_BITS;
  return { neg: bits >> 63n === 1n, mant, exp: exp - 1023 };
}

/** strconv 'b': -ddddp±ddd, the mantissa as an integer and a power-of-two exponent. */
function formatBinary(v: number): string {
  const { neg, mant, exp } = decompose(v);
  const e = exp - Number(MANT_BITS);
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** Rounds the mantissa (leading 1 at bit 60) to `prec` hex digits, half to even. */
function roundHex(mant: bigint, exp: number, prec: number): { mant: bigint; exp: number } {
  const shift = BigInt(prec * 4);
  const extra = (mant << shift) & (BIT60 - 1n);
  let m = mant >> (60n - shift);
  if ((extra | (m & 1n)) > 1n << 59n) m++;
  m <<= 60n - shift;
  if ((m & (1n << 61n)) !== 0n) return { mant: m >> 1n, exp: exp + 1 };
  return { mant: m, exp };
}

/** strconv 'x'/'X': -0x1.hhhhp±dd (shortest when prec < 0). */
function formatHex(v: number, fmt: 'x' | 'X', prec: number): string {
  let { neg, mant, exp } = decompose(v);
  if (mant === 0n) exp = 0;
  mant <<= 60n - MANT_BITS;
  while (mant !== 0n && (mant & BIT60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) ({ mant, exp } = roundHex(mant, exp, prec));
  const digits = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `${neg ? '-' : ''}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & MASK64;
  if ((prec < 0 && mant !== 0n) || prec > 0) out += '.';
  for (let i = 0; prec < 0 ? mant !== 0n : i < prec; i++) {
    out += digits[Number((mant >> 60n) & 15n)];
    mant = (mant << 4n) & MASK64;
  }
  const expText = String(Math.abs(exp)).padStart(2, '0');
  return `${out}${fmt === 'X' ? 'P' : 'p'}${exp < 0 ? '-' : '+'}${expText}`;
}

/** strconv.FormatFloat for 'b', 'x' and 'X' of a finite float64. */
export function formatFloatBits(v: number, fmt: 'b' | 'x' | 'X', prec: number): string {
  return fmt === 'b' ? formatBinary(v) : formatHex(v, fmt, prec);
}

/**
 * fmt's `#` on a float (sign already at num[0]): always a decimal point, and for %g/%x the
 * trailing zeros up to the precision (6 when none was given).
 */
export function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec === -1 ? 6 : prec) : 0;
  let body = num;
  let tail = '';
  let hasDecimalPoint = false;
  let sawNonzeroDigit = false;
  for (let i = 1; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '.') {
      hasDecimalPoint = true;
    } else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
      tail = body.slice(i);
      body = body.slice(0, i);
    } else {
      if (c !== '0') sawNonzeroDigit = true;
      if (sawNonzeroDigit) digits--;
    }
  }
  if (!hasDecimalPoint) {
    // A lone leading 0 counts as one digit.
    if (body.length === 2 && body[1] === '0') digits--;
    body += '.';
  }
  return body + '0'.repeat(Math.max(digits, 0)) + tail;
}
