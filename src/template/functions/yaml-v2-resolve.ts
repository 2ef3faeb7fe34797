/**
 * yaml.v2's resolve.go, ported twice: 2.4 (confd's file backend) and the older copy vendored in
 * consul-template 0.20 (parseYAML, toYAML). A plain scalar becomes null, a bool, an int (int64,
 * as bigint), a uint64, a float64 or stays a string, by yaml.v2's rules rather than the yaml
 * package's YAML 1.1 schema, which differs from them (`0o17`, `08`, `1e3`, `+.5`, big integers…).
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

/** A uint64 beyond int64: yaml.v2 gives it, confd's nodeWalk has no case for it and drops it. */
export class YamlUint64 {
  constructor(readonly value: bigint) {}
}

/** A resolved scalar: null, bool, int (int64 as bigint), uint64, float64, or string. */
export type YamlV2Scalar = null | boolean | bigint | YamlUint64 | number | string;

const BOOLS_AND_NULLS = new Map<string, YamlV2Scalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat(s, 64) for decimal text: undefined when it overflows to ±Inf (ErrRange). */
function parseGoFloat(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** yaml.v2's resolve() of an untagged plain scalar (timestamps stay strings, as v2 leaves them in interface{}). */
export function resolvePlainScalar(text: string): YamlV2Scalar {
  if (BOOLS_AND_NULLS.has(text)) return BOOLS_AND_NULLS.get(text)!;
  const first = text[0];
  if (first === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? (parseGoFloat(text) ?? text) : text;
  }
  if (first === undefined || !/[-+0-9]/.test(first)) return text;
  const plain = text.replaceAll('_', '');
  const int = parseGoInteger(plain, true);
  if (int !== undefined) return int;
  const uint = parseGoInteger(plain, false);
  if (uint !== undefined) return new YamlUint64(uint);
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = parseGoFloat(plain);
    if (float !== undefined) return float;
  }
  return text;
}

/**
 * resolve() of consul-template 0.20's vendored yaml.v2 (toYAML's quoting): as 2.4's but
 * no timestamps and a float's exponent needs its sign ("1e3" is a string, "1e+3" a float).
 */
export function resolvePlainScalarOld(text: string): YamlV2Scalar {
  if (BOOLS_AND_NULLS.has(text)) return BOOLS_AND_NULLS.get(text)!;
  const first = text[0];
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? (parseGoFloat(text) ?? text) : text;
  if (first === undefined || !/[-+0-9]/.test(first)) return text;
  const plain = text.replaceAll('_', '');
  const int = parseGoInteger(plain, true);
  if (int !== undefined) return int;
  const uint = parseGoInteger(plain, false);
  if (uint !== undefined) return new YamlUint64(uint);
  if (/^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/.test(plain)) return parseGoFloat(plain) ?? text;
  return text;
}

/** True when toYAML must double-quote `s`: read back as a plain scalar it would not be this string. */
export const resolvesToStringOld = (s: string): boolean => s !== '<<' && typeof resolvePlainScalarOld(s) === 'string';
