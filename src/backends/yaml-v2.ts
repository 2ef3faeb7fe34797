import { parseDocument, type ScalarTag } from 'yaml';
import { parseGoInteger } from '../template/functions/yaml-v2-resolve.js';

/**
 * YAML as gopkg.in/yaml.v2 (2.4, confd's file backend) reads it into interface{}: the yaml
 * package parses (YAML 1.1 merge keys included) with every scalar left as text, and plain
 * scalars are then resolved by a port of yaml.v2's resolve.go, not by the yaml package's own
 * YAML 1.1 schema, which differs from it (`0o17`, `08`, `1e3`, `+.5`, `y`, big integers…).
 */

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

/** Every plain scalar goes through resolvePlainScalar; quoted ones stay strings (failsafe schema). */
const goPlainScalar: ScalarTag = {
  tag: 'tag:yaml.org,2002:go-v2',
  default: true,
  test: /[\s\S]*/,
  resolve: (text: string) => resolvePlainScalar(text) as never,
};

/**
 * Parses YAML (or JSON) text as yaml.v2 does into interface{}: maps are Maps keyed by their
 * resolved keys (yaml.v2 keys may be bools, ints…), scalars as resolvePlainScalar says.
 * Throws the yaml package's error for invalid text.
 */
export function parseYamlV2(text: string): unknown {
  const document = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    merge: true,
    // uniqueKeys off: its check is quadratic in a map's size (seconds at 20 000 keys); yaml.v2
    // keeps the last value of a repeated key.
    uniqueKeys: false,
    customTags: [goPlainScalar],
  });
  if (document.errors.length > 0) throw document.errors[0];
  return document.toJS({ mapAsMap: true, maxAliasCount: -1 });
}
