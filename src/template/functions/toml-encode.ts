/**
 * BurntSushi/toml's Encoder as vendored in consul-template 0.20 (encode.go, type_check.go),
 * ported: tables and [[arrays of tables]] after a table's plain keys, sorted keys, two-space
 * indentation per level, nil values skipped. Arrays must be homogeneous (a list of a string
 * and a number is an error, as there), may not hold nil, and an array of arrays may not hold
 * tables. json.Number (Vault data) is a Go string, so it is written quoted.
 */
import { GoChannel, GoFloat, GoInt, GoNil, JsonNumber, type GoStruct, type GoValue } from '../go/values.js';
import { formatFloat } from '../go/strconv.js';

type TomlType = 'Integer' | 'Float' | 'String' | 'Bool' | 'Array' | 'Hash' | 'ArrayHash' | undefined;

const ERR_MIXED = 'toml: cannot encode array with mixed element types';
const ERR_NIL = 'toml: cannot encode array with nil element';
const ERR_ARRAY_NO_TABLE = 'toml: TOML array element cannot contain a table';
const ERR_NO_KEY = 'toml: top-level values must be Go maps or structs';

const isNil = (v: GoValue) => v === null || v === undefined || v instanceof GoNil;
const isMap = (v: GoValue): v is ReadonlyMap<string, GoValue> => v instanceof Map;
const isStruct = (v: GoValue): v is GoStruct =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof GoFloat) && !(v instanceof GoInt) && !(v instanceof JsonNumber) && !(v instanceof GoNil) && !(v instanceof GoChannel);

/** tomlTypeOfGo. */
function typeOf(v: GoValue): TomlType {
  if (isNil(v)) return undefined;
  if (typeof v === 'boolean') return 'Bool';
  if (typeof v === 'number' || v instanceof GoInt) return 'Integer';
  if (v instanceof GoFloat) return 'Float';
  if (typeof v === 'string' || v instanceof JsonNumber) return 'String';
  if (Array.isArray(v)) return arrayType(v) === 'Hash' ? 'ArrayHash' : 'Array';
  if (isMap(v) || isStruct(v)) return 'Hash';
  throw new Error(`toml: unexpected reflect.Kind: chan`);
}

/** tomlArrayType: the elements' one type (undefined when empty). */
function arrayType(items: readonly GoValue[]): TomlType {
  if (items.length === 0) return undefined;
  const first = typeOf(items[0]);
  if (first === undefined) throw new Error(ERR_NIL);
  for (const item of items.slice(1)) {
    const type = typeOf(item);
    if (type === undefined) throw new Error(ERR_NIL);
    if (type !== first) throw new Error(ERR_MIXED);
  }
  if (first === 'Array' || first === 'ArrayHash') {
    const nested = arrayType(items[0] as GoValue[]);
    if (nested === 'Hash' || nested === 'ArrayHash') throw new Error(ERR_ARRAY_NO_TABLE);
  }
  return first;
}

const isBareKeyChar = (c: string) => /^[A-Za-z0-9_-]$/.test(c);
const maybeQuoted = (key: string) => (Array.from(key).every(isBareKeyChar) ? key : `"${key.replaceAll('"', '\\"')}"`);
const QUOTED_ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '"': '\\"', '\\': '\\\\' };
const writeQuoted = (s: string) => `"${s.replace(/[\t\n\r"\\]/g, (c) => QUOTED_ESCAPES[c]!)}"`;
const floatAddDecimal = (text: string) => (text.includes('.') ? text : `${text}.0`);
/** sort.Strings: byte order of the UTF-8 text. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

class TomlEncoder {
  out = '';
  #hasWritten = false;

  write(text: string): void {
    this.out += text;
    this.#hasWritten = true;
  }

  newline(): void {
    if (this.#hasWritten) this.write('\n');
  }

  encode(key: readonly string[], v: GoValue): void {
    if (isNil(v)) return;
    if (Array.isArray(v) && typeOf(v) === 'ArrayHash') return this.arrayOfTables(key, v);
    if (isMap(v) || isStruct(v)) return this.table(key, v);
    if (v instanceof GoChannel) throw new Error(`toml: unsupported type for key '${key.join('.')}': chan`);
    this.keyEqElement(key, v);
  }

  element(v: GoValue): string {
    if (typeof v === 'boolean' || typeof v === 'number') return String(v);
    if (v instanceof GoInt) return v.value.toString();
    if (v instanceof GoFloat) return floatAddDecimal(formatFloat(v.value, 'f', -1));
    if (typeof v === 'string') return writeQuoted(v);
    if (v instanceof JsonNumber) return writeQuoted(v.text);
    if (Array.isArray(v)) return `[${v.map((item) => this.element(item)).join(', ')}]`;
    throw new Error(`toml: unexpected primitive type: map`);
  }

  keyEqElement(key: readonly string[], v: GoValue): void {
    if (key.length === 0) throw new Error(ERR_NO_KEY);
    checkKey(key);
    this.write(`${indentOf(key)}${maybeQuoted(key.at(-1)!)} = ${this.element(v)}`);
    this.newline();
  }

  arrayOfTables(key: readonly string[], items: readonly GoValue[]): void {
    if (key.length === 0) throw new Error(ERR_NO_KEY);
    for (const item of items) {
      if (isNil(item)) continue;
      checkKey(key);
      this.newline();
      this.write(`${indentOf(key)}[[${key.map(maybeQuoted).join('.')}]]`);
      this.newline();
      this.mapOrStruct(key, item);
    }
  }

  table(key: readonly string[], v: GoValue): void {
    checkKey(key);
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.write(`${indentOf(key)}[${key.map(maybeQuoted).join('.')}]`);
      this.newline();
    }
    this.mapOrStruct(key, v);
  }

  /** eMap / eStruct: plain keys first, then tables and arrays of tables. */
  mapOrStruct(key: readonly string[], v: GoValue): void {
    const entries: [string, GoValue][] = isMap(v) ? [...v] : Object.entries(v as GoStruct);
    const isSub = ([, value]: [string, GoValue]) => {
      const type = typeOf(value);
      return type === 'Hash' || type === 'ArrayHash';
    };
    const subs = entries.map(isSub);
    const order = (list: [string, GoValue][]) => (isMap(v) ? list.sort(([a], [b]) => byUtf8(a, b)) : list);
    for (const [name, value] of order(entries.filter((_, i) => !subs[i]))) this.encode([...key, name], value);
    for (const [name, value] of order(entries.filter((_, i) => subs[i]))) this.encode([...key, name], value);
  }
}

const indentOf = (key: readonly string[]) => '  '.repeat(key.length - 1);

function checkKey(key: readonly string[]): void {
  if (key.some((k) => k === '')) throw new Error(`toml: Key '${key.map(maybeQuoted).join('.')}' is not a valid table name. Key names cannot be empty.`);
}

/** consul-template's toTOML: the encoder's output, trimmed. */
export function toGoTOML(value: GoValue): string {
  const encoder = new TomlEncoder();
  if (!isMap(value) && !isStruct(value)) throw new Error(ERR_NO_KEY);
  encoder.table([], value);
  return encoder.out.trim();
}
