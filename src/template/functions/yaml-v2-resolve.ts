/**
 * Pieces of yaml.v2's resolve.go shared by the file backend (yaml.v2 2.4, confd) and toYAML
 * (the older yaml.v2 vendored in consul-template 0.20).
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt (signed) or ParseUint with base 0 as of Go 1.13 (0x, 0o, 0b, 0 prefixes), text without underscores: the value, or undefined on error. */
export function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match || (!signed && match[1] !== '')) return undefined;
  let digits = match[2]!;
  // A leading 0 alone means octal; BigInt reads "0o…".
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const magnitude = BigInt(digits.toLowerCase());
  const value = match[1] === '-' ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

/** strconv.ParseFloat(s, 64) of decimal text already matched: false when it overflows (ErrRange). */
const isFiniteFloat = (text: string) => Number.isFinite(Number(text));

const OLD_BOOLS_AND_NULLS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

/**
 * True when consul-template 0.20's yaml.v2 resolves `s` as a plain scalar to a string (its
 * resolve(): no timestamps, floats need a signed exponent); toYAML double-quotes the others.
 */
export function resolvesToStringOld(s: string): boolean {
  if (OLD_BOOLS_AND_NULLS.has(s)) return false;
  const first = s[0]!;
  if (first === '.') return !(/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) && isFiniteFloat(s));
  if (!/[-+0-9]/.test(first)) return true;
  const plain = s.replaceAll('_', '');
  if (parseGoInteger(plain, true) !== undefined || parseGoInteger(plain, false) !== undefined) return false;
  if (/^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/.test(plain) && isFiniteFloat(plain)) return false;
  return true;
}
