import { GO_TYPE_NAME, GoChannel, GoFloat, type GoStruct, type GoValue } from '../go/values.js';

/**
 * The few pieces of Go's fmt/strconv that function error messages need (`%q`, `%T`, `%v` of
 * scalars). Full value printing belongs to the engine's print.ts.
 */

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

function escapeRune(c: string, quote: string): string {
  if (c === quote || c === '\\') return `\\${c}`;
  const short = SHORT_ESCAPES[c];
  if (short) return short;
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd';
  if (/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u.test(c) || (/\p{Zs}/u.test(c) && c !== ' ')) {
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return c;
}

/** Go's strconv.Quote (what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) out += escapeRune(c, '"');
  return `${out}"`;
}

/** Go's strconv.QuoteRune ('x', '\n', '\''). */
export function goQuoteRune(c: string): string {
  return `'${escapeRune(c, "'")}'`;
}

/** Go's `%T` of a value, as far as the value model can tell. */
export function goTypeName(value: GoValue): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof GoFloat) return 'float64';
  if (value instanceof GoChannel) return '<-chan int64';
  if (Array.isArray(value)) return '[]interface {}';
  if (value instanceof Map) return 'map[string]interface {}';
  return (value as GoStruct)[GO_TYPE_NAME] ?? 'struct {}';
}

/** Go's `%v` of a float64: 'g' with the shortest digits, exponent form below 1e-4 or from 1e6. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, e] = f.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(f);
}

/** Go's `%v` of a scalar (strings, numbers, booleans, nil); composite values get a rough form. */
export function formatGoScalar(value: GoValue): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof GoFloat) return formatGoFloat(value.value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return goTypeName(value);
}

/** Go's `%q` applied to an arbitrary value (the `%!q(T=v)` form for non-strings). */
export function quoteAny(value: GoValue): string {
  if (typeof value === 'string') return goQuote(value);
  if (value === null || value === undefined) return '<invalid reflect.Value>';
  if (typeof value === 'number') return goQuoteRune(String.fromCodePoint(Math.max(0, value)));
  return `%!q(${goTypeName(value)}=${formatGoScalar(value)})`;
}
