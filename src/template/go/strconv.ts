/**
 * The parts of Go's strconv the template engine needs: quoting and unquoting of Go literals,
 * number literal parsing, and float formatting with Go's rounding (half to even on the exact
 * binary value) and layouts (`1e+06`, `3.14`).
 */
import { formatFloatBits } from './float-format.js';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote || ch === '\\') return '\\' + ch;
  const cp = ch.codePointAt(0) ?? 0xfffd;
  if (asciiOnly ? cp < 0x80 && PRINTABLE.test(ch) : PRINTABLE.test(ch)) return ch;
  const simple = SIMPLE_ESCAPES[ch];
  if (simple) return simple;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  const valid = cp < 0xd800 || (cp > 0xdfff && cp <= 0x10ffff);
  const r = valid ? cp : 0xfffd;
  return r < 0x10000 ? '\\u' + hex(r, 4) : '\\U' + hex(r, 8);
}

/** strconv.Quote (or QuoteToASCII): a double-quoted Go string literal. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune: a single-quoted Go character literal. */
export function quoteRune(cp: number, asciiOnly = false): string {
  const valid = cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
  return "'" + escapeRune(String.fromCodePoint(valid ? cp : 0xfffd), "'", asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  return !/[`\x00-\x08\x0a-\x1f\x7f\ufeff\ufffd]/.test(s);
}

export class LiteralError extends Error {}

const ESCAPE_VALUES: Readonly<Record<string, number>> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34,
};

/**
 * strconv.UnquoteChar: decodes the first character or escape of `s`.
 * `isByte` marks \x and octal escapes, which are raw bytes inside strings.
 */
export function unquoteChar(s: string, quoteChar: string): { value: number; isByte: boolean; tail: string } {
  const first = s.codePointAt(0);
  if (first === undefined) throw new LiteralError('invalid syntax');
  const ch = String.fromCodePoint(first);
  if (ch === quoteChar && (quoteChar === "'" || quoteChar === '"')) throw new LiteralError('invalid syntax');
  if (ch !== '\\') return { value: first, isByte: false, tail: s.slice(ch.length) };
  const c = s[1];
  if (c === undefined) throw new LiteralError('invalid syntax');
  const simple = ESCAPE_VALUES[c];
  if (simple !== undefined) {
    if ((c === "'" || c === '"') && c !== quoteChar) throw new LiteralError('invalid syntax');
    return { value: simple, isByte: false, tail: s.slice(2) };
  }
  const digitCount = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (digitCount > 0) {
    const digits = s.slice(2, 2 + digitCount);
    if (!new RegExp(`^[0-9a-fA-F]{${digitCount}}$`).test(digits)) throw new LiteralError('invalid syntax');
    const value = parseInt(digits, 16);
    if (c !== 'x' && (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))) {
      throw new LiteralError('invalid syntax');
    }
    return { value, isByte: c === 'x', tail: s.slice(2 + digitCount) };
  }
  const octal = s.slice(1, 4);
  if (/^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 255) {
    return { value: parseInt(octal, 8), isByte: true, tail: s.slice(4) };
  }
  throw new LiteralError('invalid syntax');
}

/** strconv.Unquote for "…" and `…` literals; bytes from \x and octal escapes are decoded as UTF-8. */
export function unquote(literal: string): string {
  const q = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== q) throw new LiteralError('invalid syntax');
  const body = literal.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new LiteralError('invalid syntax');
    return body.replaceAll('\r', '');
  }
  if (q !== '"') throw new LiteralError('invalid syntax');
  if (!body.includes('\\') && !body.includes('"') && !body.includes('\n')) return body;
  const bytes: number[] = [];
  let rest = body;
  while (rest.length > 0) {
    if (rest[0] === '\n') throw new LiteralError('invalid syntax');
    const { value, isByte, tail } = unquoteChar(rest, '"');
    if (isByte) bytes.push(value);
    else bytes.push(...Buffer.from(String.fromCodePoint(value), 'utf8'));
    rest = tail;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A Go number literal as the parser sees it (parse.NumberNode without complex support). */
export interface NumberLiteral {
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int: number;
  readonly float: number;
}

const DIGITS: Readonly<Record<number, string>> = { 2: '01', 8: '0-7', 10: '0-9', 16: '0-9a-fA-F' };

/** strconv.ParseInt/ParseUint with base 0 (null when malformed): prefixes 0x 0o 0b 0, underscores between digits. */
export function parseIntLiteral(text: string): bigint | null {
  const negative = text.startsWith('-');
  let s = /^[+-]/.test(text) ? text.slice(1) : text;
  let base = 10;
  let hasPrefix = false;
  if (/^0[xX]/.test(s)) [base, s, hasPrefix] = [16, s.slice(2), true];
  else if (/^0[oO]/.test(s)) [base, s, hasPrefix] = [8, s.slice(2), true];
  else if (/^0[bB]/.test(s)) [base, s, hasPrefix] = [2, s.slice(2), true];
  else if (/^0./.test(s)) [base, s, hasPrefix] = [8, s.slice(1), true];
  const d = DIGITS[base];
  const pattern = new RegExp(`^${hasPrefix ? '_?' : ''}[${d}]+(_[${d}]+)*$`);
  if (!pattern.test(s)) return null;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const magnitude = BigInt(prefix + s.replaceAll('_', ''));
  return negative ? -magnitude : magnitude;
}

const DECIMAL_FLOAT = /^[+-]?(?=\.?\d)(\d+(_\d+)*)?(\.(\d+(_\d+)*)?)?([eE][+-]?\d+(_\d+)*)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]_?([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)?(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/** strconv.ParseFloat for the literal forms the lexer produces; null when malformed. */
function parseFloatLiteral(text: string): number | null {
  if (DECIMAL_FLOAT.test(text)) return Number(text.replaceAll('_', ''));
  const m = HEX_FLOAT.exec(text);
  if (!m || (m[2] === undefined && !m[3])) return null;
  const mantissa = parseInt((m[2] ?? '0').replaceAll('_', '') + (m[3] ?? ''), 16);
  const value = mantissa * 2 ** (Number(m[4]) - 4 * (m[3]?.length ?? 0));
  return m[1] === '-' ? -value : value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** parse.newNumber for non-complex literals; throws LiteralError with Go's message. */
export function parseNumber(text: string): NumberLiteral {
  const big = parseIntLiteral(text);
  if (big !== null) {
    const isInt = big >= INT64_MIN && big <= INT64_MAX;
    const isUint = big >= 0n && big <= UINT64_MAX;
    if (isInt || isUint) return { isInt, isUint, isFloat: true, int: Number(big), float: Number(big) };
  }
  const f = parseFloatLiteral(text);
  if (f === null || !Number.isFinite(f)) throw new LiteralError(`illegal number syntax: ${quote(text)}`);
  if (!/[.eEpP]/.test(text)) throw new LiteralError(`integer overflow: ${quote(text)}`);
  const integral = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return { isInt: integral, isUint: integral && f >= 0, isFloat: true, int: f, float: f };
}

/** A decimal digit string with the decimal point after `dp` digits (strconv's decimalSlice). */
interface Decimal {
  digits: string;
  dp: number;
}

/** The exact decimal expansion of a positive finite double. */
function exactDecimal(v: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp = -1074;
  if (expBits !== 0) {
    mantissa |= 1n << 52n;
    exp = expBits - 1075;
  }
  const s = exp >= 0 ? (mantissa << BigInt(exp)).toString() : (mantissa * 5n ** BigInt(-exp)).toString();
  const dp = exp >= 0 ? s.length : s.length + exp;
  return { digits: s.replace(/0+$/, ''), dp };
}

/** Rounds to `nd` digits, half to even on exact ties (decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  const isTie = next === 5 && nd + 1 === d.digits.length;
  const up = isTie ? nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1 : next >= 5;
  if (!up) return { digits: d.digits.slice(0, nd).replace(/0+$/, ''), dp: d.dp };
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === '9') i--;
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  return { digits: d.digits.slice(0, i) + String.fromCharCode(d.digits.charCodeAt(i) + 1), dp: d.dp };
}

function shortestDecimal(v: number): Decimal {
  const [mantissa, exp] = v.toExponential().split('e');
  const digits = (mantissa ?? '').replace('.', '').replace(/0+$/, '');
  return { digits, dp: Number(exp) + 1 };
}

function formatE(d: Decimal, prec: number, expChar: string): string {
  let out = d.digits[0] ?? '0';
  if (prec > 0) out += '.' + d.digits.slice(1, prec + 1).padEnd(prec, '0');
  let exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return out + expChar + sign + (exp < 10 ? '0' + exp : String(exp));
}

function formatF(d: Decimal, prec: number): string {
  let out = d.dp > 0 ? d.digits.slice(0, d.dp).padEnd(d.dp, '0') : '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      out += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
    }
  }
  return out;
}

function formatG(d: Decimal, prec: number, shortest: boolean, expChar: string): string {
  let eprec = prec;
  if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) return formatE(d, Math.min(prec, d.digits.length) - 1, expChar);
  return formatF(d, Math.max((prec > d.dp ? d.digits.length : prec) - d.dp, 0));
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/** strconv.FormatFloat(v, fmt, prec, 64); prec -1 means the shortest exact representation. */
export function formatFloat(v: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (fmt === 'b' || fmt === 'x' || fmt === 'X') return formatFloatBits(v, fmt, prec);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let d: Decimal = abs === 0 ? { digits: '', dp: 0 } : shortest ? shortestDecimal(abs) : exactDecimal(abs);
  let p = prec;
  if (shortest) {
    p = fmt === 'f' ? Math.max(d.digits.length - d.dp, 0) : fmt === 'g' || fmt === 'G' ? d.digits.length : d.digits.length - 1;
  } else if (fmt === 'e' || fmt === 'E') {
    d = roundDecimal(d, p + 1);
  } else if (fmt === 'f') {
    d = roundDecimal(d, d.dp + p);
  } else {
    if (p === 0) p = 1;
    d = roundDecimal(d, p);
  }
  if (fmt === 'f') return sign + formatF(d, p);
  if (fmt === 'e' || fmt === 'E') return sign + formatE(d, p, fmt);
  return sign + formatG(d, p, shortest, fmt === 'g' ? 'e' : 'E');
}

/**
 * strconv.FormatFloat(v, 'g', -1, 32): the shortest digits that read back as the same float32
 * (yaml.v2 as vendored in consul-template 0.20 marshals every float this way).
 */
export function formatFloat32(v: number): string {
  const f = Math.fround(v);
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const sign = f < 0 || Object.is(f, -0) ? '-' : '';
  const abs = Math.abs(f);
  if (abs === 0) return `${sign}0`;
  let d: Decimal = shortestDecimal(abs);
  for (let p = 1; p <= 9; p++) {
    const text = abs.toPrecision(p);
    if (Math.fround(Number(text)) === abs) {
      d = shortestDecimal(Number(text));
      break;
    }
  }
  return sign + formatG(d, d.digits.length, true, 'e');
}
