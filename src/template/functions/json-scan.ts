import { quote } from '../go/strconv.js';

/**
 * Validates JSON text the way Go's encoding/json scanner does, so that `json`, `jsonArray` and
 * `parseJSON` fail with Go's messages ("invalid character 'n' looking for beginning of object
 * key string", "unexpected end of JSON input"). JSON.parse then builds the value.
 */

const SPACE = new Set([' ', '\t', '\r', '\n']);
const ESCAPES = new Set(['b', 'f', 'n', 'r', 't', '\\', '/', '"']);
const HEX = /^[0-9a-fA-F]$/;
const DIGIT = /^[0-9]$/;

/** Go's quoteChar: how the scanner names an offending byte. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const byte = Buffer.from(c, 'utf8')[0]!;
  const quoted = quote(String.fromCharCode(byte));
  return `'${quoted.slice(1, -1)}'`;
}

class SyntaxError extends Error {}

function invalid(c: string, context: string): SyntaxError {
  return new SyntaxError(`invalid character ${quoteChar(c)} ${context}`);
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }

  next(): string {
    const c = this.text[this.pos++];
    if (c === undefined) throw new SyntaxError('unexpected end of JSON input');
    return c;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && SPACE.has(this.text[this.pos]!)) this.pos++;
  }

  /** Next non-space character, consumed. */
  nextSignificant(): string {
    this.skipSpace();
    return this.next();
  }
}

function scanLiteral(s: Scanner, word: string): void {
  for (const expected of word.slice(1)) {
    const c = s.next();
    if (c !== expected) throw invalid(c, `in literal ${word} (expecting ${quoteChar(expected)})`);
  }
}

function scanDigits(s: Scanner): void {
  while (DIGIT.test(s.peek() ?? '')) s.pos++;
}

function scanNumber(s: Scanner, first: string): void {
  if (first === '-') {
    const c = s.next();
    if (!DIGIT.test(c)) throw invalid(c, 'in numeric literal');
    first = c;
  }
  if (first !== '0') scanDigits(s);
  if (s.peek() === '.') {
    s.pos++;
    const c = s.next();
    if (!DIGIT.test(c)) throw invalid(c, 'after decimal point in numeric literal');
    scanDigits(s);
  }
  if (s.peek() === 'e' || s.peek() === 'E') {
    s.pos++;
    let c = s.next();
    if (c === '+' || c === '-') c = s.next();
    if (!DIGIT.test(c)) throw invalid(c, 'in exponent of numeric literal');
    scanDigits(s);
  }
}

function scanString(s: Scanner): void {
  for (;;) {
    const c = s.next();
    if (c === '"') return;
    if (c === '\\') {
      const e = s.next();
      if (e === 'u') {
        for (let i = 0; i < 4; i++) {
          const h = s.next();
          if (!HEX.test(h)) throw invalid(h, 'in \\u hexadecimal character escape');
        }
      } else if (!ESCAPES.has(e)) throw invalid(e, 'in string escape code');
    } else if (c.charCodeAt(0) < 0x20) throw invalid(c, 'in string literal');
  }
}

function scanObject(s: Scanner): void {
  let c = s.nextSignificant();
  if (c === '}') return;
  for (;;) {
    if (c !== '"') throw invalid(c, 'looking for beginning of object key string');
    scanString(s);
    c = s.nextSignificant();
    if (c !== ':') throw invalid(c, 'after object key');
    scanValue(s, s.nextSignificant());
    c = s.nextSignificant();
    if (c === '}') return;
    if (c !== ',') throw invalid(c, 'after object key:value pair');
    c = s.nextSignificant();
  }
}

function scanArray(s: Scanner): void {
  let c = s.nextSignificant();
  if (c === ']') return;
  for (;;) {
    scanValue(s, c);
    c = s.nextSignificant();
    if (c === ']') return;
    if (c !== ',') throw invalid(c, 'after array element');
    c = s.nextSignificant();
  }
}

function scanValue(s: Scanner, c: string): void {
  if (c === '{') return scanObject(s);
  if (c === '[') return scanArray(s);
  if (c === '"') return scanString(s);
  if (c === '-' || DIGIT.test(c)) return scanNumber(s, c);
  if (c === 't') return scanLiteral(s, 'true');
  if (c === 'f') return scanLiteral(s, 'false');
  if (c === 'n') return scanLiteral(s, 'null');
  throw invalid(c, 'looking for beginning of value');
}

/** Throws Error(<Go's message>) when `text` is not valid JSON. */
export function checkGoJSON(text: string): void {
  const s = new Scanner(text);
  try {
    scanValue(s, s.nextSignificant());
    s.skipSpace();
    const rest = s.peek();
    if (rest !== undefined) throw invalid(rest, 'after top-level value');
  } catch (err) {
    if (err instanceof SyntaxError) throw new Error(err.message);
    throw err;
  }
}

/** The JSON kind Go names in "cannot unmarshal KIND into Go value of type T". */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Parses JSON with Go's validation errors; returns the plain JS value. */
export function parseGoJSON(text: string): unknown {
  checkGoJSON(text);
  return JSON.parse(text);
}
