import { createRequire } from 'node:module';
import { GoFloat, GoInt, type GoValue } from '../go/values.js';
import { marshalYamlV2 } from './yaml-v2-emit.js';
import { resolvePlainScalar, YamlUint64 } from './yaml-v2-resolve.js';

const require = createRequire(import.meta.url);
type YamlParser = typeof import('./yaml-v2-parse.js');
let parser: YamlParser | undefined;
/** The parser and the yaml package (72 modules), loaded by the first parseYAML, not by every render. */
const yamlParser = () => (parser ??= require('./yaml-v2-parse.js') as YamlParser);

/**
 * consul-template's YAML functions. parseYAML (0.25+, yaml.v2 2.4, as confd's file backend)
 * resolves plain scalars by yaml.v2's rules (yes/no/on/off booleans, 0755 octal, timestamps as
 * strings) into int, uint64, float64, bool or string; toYAML is yaml-v2-emit.ts's port of the
 * Marshal vendored in consul-template 0.20.
 */

const INT_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fromYAML(value: unknown): GoValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= -INT_SAFE && value <= INT_SAFE ? Number(value) : new GoInt(value, 'int');
  if (value instanceof YamlUint64) return new GoInt(value.value, 'uint64');
  if (typeof value === 'number') return new GoFloat(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromYAML);
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]): [string, GoValue] => [String(k), fromYAML(v)]);
    return new Map(entries);
  }
  return String(value);
}

/** consul-template's parseYAML ("" → empty map). */
export function parseGoYAML(text: string): GoValue {
  if (text === '') return new Map();
  return fromYAML(yamlParser().parseYamlV2(text, resolvePlainScalar));
}

/** consul-template's toYAML: yaml.v2's Marshal, trimmed. */
export function toGoYAML(value: GoValue): string {
  return marshalYamlV2(value).trim();
}
