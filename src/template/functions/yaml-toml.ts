import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Scalar, Tags } from 'yaml';
import { formatFloat32 } from '../go/strconv.js';
import { GoChannel, GoFloat, GoInt, type GoValue } from '../go/values.js';

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
/** The yaml package (72 modules), loaded by the first template that converts YAML, not by every render. */
const yaml = () => (yamlModule ??= require('yaml') as typeof Yaml);

/**
 * YAML (gopkg.in/yaml.v2) and TOML (BurntSushi/toml) conversions of Go values. yaml.v2 is
 * YAML 1.1 (yes/no booleans), decodes integers as int and other numbers as float64, keeps
 * timestamps as strings, and marshals struct fields under their lower-cased names.
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

/** Go value → plain data for the YAML document; structs get yaml.v2's lower-cased keys. */
function toYAMLData(value: GoValue): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof GoFloat) return new YamlFloat(value.value);
  if (value instanceof GoInt) return value.value;
  if (value instanceof GoChannel) return [...value.values].map(toYAMLData);
  if (Array.isArray(value)) return value.map(toYAMLData);
  if (value instanceof Map) {
    const keys = [...value.keys()].sort();
    return new Map(keys.map((k) => [k, toYAMLData(value.get(k))]));
  }
  if (typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k.toLowerCase(), toYAMLData(v as GoValue)]));
  }
  return value;
}

const YAML_FLOATS: Readonly<Record<string, string>> = { '+Inf': '.inf', '-Inf': '-.inf', NaN: '.nan' };

/** A float as the vendored yaml.v2 writes it: FormatFloat(f, 'g', -1, 32) ("FIXME: Handle 64 bits"). */
class YamlFloat {
  readonly text: string;
  constructor(value: number) {
    const text = formatFloat32(value);
    this.text = YAML_FLOATS[text] ?? text;
  }
}

const yamlFloatTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: (value: unknown) => value instanceof YamlFloat,
  resolve: (text: string) => new YamlFloat(Number(text)),
  stringify: (item: { value: unknown }) => (item.value as YamlFloat).text,
};

/** Strings YAML 1.1 would read back as something else are double-quoted by yaml.v2. */
const NON_STRING = /^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)|[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$/;

/** consul-template's toYAML (trimmed). */
export function toGoYAML(value: GoValue): string {
  // Core-schema document (a 1.1 one would tag Maps as !!omap); NON_STRING does 1.1 quoting.
  const doc = new (yaml().Document)(toYAMLData(value), { customTags: [yamlFloatTag] });
  yaml().visit(doc, {
    Scalar(_key, node: Scalar) {
      if (!yaml().isScalar(node) || typeof node.value !== 'string') return;
      if (node.value.includes('\n')) node.type = yaml().Scalar.BLOCK_LITERAL;
      else if (node.value === '' || NON_STRING.test(node.value)) node.type = yaml().Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true, nullStr: 'null' }).trim();
}

type TomlEntry = readonly [string, GoValue];

function tomlEntries(value: GoValue): TomlEntry[] {
  if (value instanceof Map) return [...value.keys()].sort().map((k) => [k, value.get(k)]);
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value) as TomlEntry[];
  throw new Error(`toml: top-level values must be Go maps or structs`);
}

const isTable = (v: GoValue) => v instanceof Map || (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof GoFloat) && !(v instanceof GoChannel));
const isTableArray = (v: GoValue) => Array.isArray(v) && v.length > 0 && v.every(isTable);

const bareKey = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : quoteToml(k));

const TOML_ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '"': '\\"', '\\': '\\\\' };

function quoteToml(s: string): string {
  return `"${s.replace(/[\t\n\r"\\]/g, (c) => TOML_ESCAPES[c]!)}"`;
}

function tomlValue(v: GoValue): string {
  if (typeof v === 'string') return quoteToml(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v instanceof GoFloat) {
    const s = String(v.value);
    return /[.eE]|Infinity|NaN/.test(s) ? s : `${s}.0`;
  }
  const items = v instanceof GoChannel ? [...v.values] : (v as GoValue[]);
  return `[${items.map(tomlValue).join(', ')}]`;
}

interface TomlWriter {
  readonly lines: string[];
}

function writeHeader(w: TomlWriter, path: readonly string[], isArrayItem: boolean): void {
  // BurntSushi separates top-level tables and every [[array]] item with an empty line.
  if (w.lines.length > 0 && (isArrayItem || path.length === 1)) w.lines.push('');
  const name = path.map(bareKey).join('.');
  w.lines.push(`${'  '.repeat(path.length - 1)}${isArrayItem ? `[[${name}]]` : `[${name}]`}`);
}

function writeTable(w: TomlWriter, path: readonly string[], value: GoValue): void {
  const entries = tomlEntries(value).filter(([, v]) => v !== null && v !== undefined);
  const isSub = ([, v]: TomlEntry) => isTable(v) || isTableArray(v);
  for (const [k, v] of entries.filter((e) => !isSub(e))) {
    w.lines.push(`${'  '.repeat(path.length)}${bareKey(k)} = ${tomlValue(v)}`);
  }
  for (const [k, v] of entries.filter(isSub)) {
    const sub = [...path, k];
    if (isTable(v)) {
      writeHeader(w, sub, false);
      writeTable(w, sub, v);
      continue;
    }
    for (const item of v as GoValue[]) {
      writeHeader(w, sub, true);
      writeTable(w, sub, item);
    }
  }
}

/** consul-template's toTOML: BurntSushi/toml's layout (nested tables indented), trimmed. */
export function toGoTOML(value: GoValue): string {
  const w: TomlWriter = { lines: [] };
  writeTable(w, [], value);
  return w.lines.join('\n').trim();
}
