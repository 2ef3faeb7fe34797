import { parseDocument, type ScalarTag } from 'yaml';
import type { YamlV2Scalar } from './yaml-v2-resolve.js';

/**
 * Parses YAML (or JSON) text as yaml.v2 does into interface{}: the yaml package parses (merge
 * keys included) with every scalar left as text (failsafe schema), then each plain scalar goes
 * through `resolve`; quoted ones stay strings. Maps are Maps keyed by their resolved keys.
 * Throws the yaml package's error for invalid text.
 */
export function parseYamlV2(text: string, resolve: (plain: string) => YamlV2Scalar): unknown {
  const plainScalar: ScalarTag = { tag: 'tag:yaml.org,2002:go-v2', default: true, test: /[\s\S]*/, resolve: (s: string) => resolve(s) as never };
  const document = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    merge: true,
    // uniqueKeys off: its check is quadratic in a map's size (seconds at 20 000 keys); yaml.v2
    // keeps the last value of a repeated key.
    uniqueKeys: false,
    customTags: [plainScalar],
  });
  if (document.errors.length > 0) throw document.errors[0];
  return document.toJS({ mapAsMap: true, maxAliasCount: -1 });
}
