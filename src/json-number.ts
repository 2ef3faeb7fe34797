/**
 * JSON that keeps every number's text, as Go's decoder does with UseNumber (the Vault API
 * client's way): `1.50` stays `1.50`, `12345678901234567890` keeps every digit. Shared by the
 * Vault backend (which parses answers) and the template engine (which prints, compares and
 * re-encodes `json.Number`), so it lives in neither.
 *
 * Parsed shapes: objects are `Map<string, JsonValue>` (insertion order; printers sort), arrays
 * are arrays, numbers are `JsonNumber`, the rest are JS strings, booleans and null.
 */
export class JsonNumber {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type JsonValue = string | boolean | null | JsonNumber | readonly JsonValue[] | ReadonlyMap<string, JsonValue>;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = /[ \t\r\n]*/y;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  fail(what: string): never {
    throw new SyntaxError(`invalid JSON: ${what} at offset ${this.pos}`);
  }

  expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  value(): JsonValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('unexpected character');
    this.pos = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } else this.pos++;
    }
    return this.fail('unterminated string');
  }

  object(): Map<string, JsonValue> {
    const map = new Map<string, JsonValue>();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return map;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a key');
      const key = this.string();
      this.expect(':');
      map.set(key, this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return map;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  array(): JsonValue[] {
    const list: JsonValue[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return list;
    }
    for (;;) {
      list.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return list;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }
}

/** Parses JSON keeping number text; throws SyntaxError on malformed input. */
export function parseJsonKeepingNumbers(text: string): JsonValue {
  const reader = new Reader(text);
  const value = reader.value();
  reader.skipSpace();
  if (reader.pos !== text.length) reader.fail('trailing data');
  return value;
}

const GO_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * Encodes as Go's json.Marshal does for decoded data: map keys sorted, `<>&` and U+2028/9
 * escaped, numbers as their text.
 */
export function encodeJsonLikeGo(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!);
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(encodeJsonLikeGo).join(',')}]`;
  const map = value as ReadonlyMap<string, JsonValue>;
  const keys = [...map.keys()].sort();
  return `{${keys.map((k) => `${encodeJsonLikeGo(k)}:${encodeJsonLikeGo(map.get(k)!)}`).join(',')}}`;
}
