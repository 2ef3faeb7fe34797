import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Tags } from 'yaml';
import { GoFloat, type GoValue } from '../go/values.js';
import { marshalYamlV2 } from './yaml-v2-emit.js';

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
/** The yaml package (72 modules), loaded by the first template that converts YAML, not by every render. */
const yaml = () => (yamlModule ??= require('yaml') as typeof Yaml);

/**
 * consul-template's YAML functions (gopkg.in/yaml.v2): parseYAML reads YAML 1.1 (yes/no
 * booleans), integers as int and other numbers as float64, timestamps as strings; toYAML is
 * yaml-v2-emit.ts's port of yaml.v2's Marshal.
 */

const withoutTimestamps = (tags: Tags) =>
  tags.filter((tag) => (typeof tag === 'string' ? tag !== 'timestamp' : tag.tag !== 'tag:yaml.org,2002:timestamp'));

function fromYAML(value: unknown): GoValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
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
  const value = yaml().parse(text, {
    version: '1.1',
    intAsBigInt: true,
    mapAsMap: true,
    merge: true,
    customTags: withoutTimestamps,
  });
  return fromYAML(value);
}

/** consul-template's toYAML: yaml.v2's Marshal, trimmed. */
export function toGoYAML(value: GoValue): string {
  return marshalYamlV2(value).trim();
}
