/**
 * A small HCL1 reader (the syntax consul-template's config files use), JSON included: HCL1
 * reads JSON too. It keeps the line and column of every key, so an unknown key is reported as
 * `file:line:col`. Only what config files need: objects, lists, strings (with escapes and
 * heredocs), numbers (0600 is octal, as in HCL1), booleans and comments.
 */
import { CtmplError } from '../errors.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export type HclValue =
  | { readonly kind: 'object'; readonly pos: Position; readonly items: readonly HclItem[] }
  | { readonly kind: 'list'; readonly pos: Position; readonly values: readonly HclValue[] }
  | { readonly kind: 'literal'; readonly pos: Position; readonly value: string | number | boolean };

/** `a b { … }` is an item with keys [a, b]; `a = 1` has keys [a]. */
export interface HclItem {
  readonly keys: readonly { readonly name: string; readonly pos: Position }[];
  readonly value: HclValue;
}

type TokenKind = 'ident' | 'string' | 'number' | 'bool' | 'punct' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value: string | number | boolean;
  readonly pos: Position;
}

/** Parses HCL1 (or JSON) text; throws CtmplError('CONFIG') naming `file:line:col`. */
export function parseHcl(text: string, file: string): HclValue {
  const tokens = tokenize(text, file);
  const parser = new HclParser(tokens, file);
  const root = parser.peek().text === '{' ? parser.parseValue() : parser.parseItems('eof');
  parser.expect('eof');
  return root;
}

/** The scanner's position; each `scan…` function consumes one token or one piece of space. */
class Scanner {
  i = 0;
  line = 1;
  lineStart = 0;
  readonly tokens: Token[] = [];
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  here(): Position {
    return { line: this.line, col: this.i - this.lineStart + 1 };
  }

  fail(message: string): never {
    throw new CtmplError('CONFIG', `${this.file}:${this.line}:${this.i - this.lineStart + 1}: ${message}`);
  }

  /** Moves to `end`, counting the newlines passed. */
  advanceTo(end: number): void {
    for (; this.i < end; this.i++) {
      if (this.text[this.i] === '\n') [this.line, this.lineStart] = [this.line + 1, this.i + 1];
    }
  }
}

function tokenize(text: string, file: string): Token[] {
  const scanner = new Scanner(text, file);
  while (scanner.i < text.length) {
    const c = text[scanner.i]!;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') scanner.advanceTo(scanner.i + 1);
    else if (c === '#' || text.startsWith('//', scanner.i)) scanLineComment(scanner);
    else if (text.startsWith('/*', scanner.i)) scanBlockComment(scanner);
    else if ('{}[],=:'.includes(c)) {
      scanner.tokens.push({ kind: 'punct', text: c, value: c, pos: scanner.here() });
      scanner.i++;
    } else if (c === '"') scanString(scanner);
    else if (text.startsWith('<<', scanner.i)) scanHeredoc(scanner);
    else scanWord(scanner);
  }
  scanner.tokens.push({ kind: 'eof', text: 'end of file', value: '', pos: scanner.here() });
  return scanner.tokens;
}

function scanLineComment(s: Scanner): void {
  const end = s.text.indexOf('\n', s.i);
  s.i = end < 0 ? s.text.length : end;
}

function scanBlockComment(s: Scanner): void {
  const end = s.text.indexOf('*/', s.i + 2);
  if (end < 0) s.fail('unterminated comment');
  s.advanceTo(end + 2);
}

/** A double-quoted string with Go/JSON escapes; it may not span lines. */
function scanString(s: Scanner): void {
  const pos = s.here();
  let j = s.i + 1;
  while (j < s.text.length && s.text[j] !== '"' && s.text[j] !== '\n') j += s.text[j] === '\\' ? 2 : 1;
  if (s.text[j] !== '"') s.fail('unterminated string');
  const raw = s.text.slice(s.i, j + 1);
  let value: string;
  try {
    value = JSON.parse(raw.replace(/\t/g, '\\t')) as string;
  } catch {
    value = s.fail(`invalid string ${raw}`);
  }
  s.tokens.push({ kind: 'string', text: raw, value, pos });
  s.i = j + 1;
}

/** `<<WORD` (or `<<-WORD`) up to a line holding only WORD; the text keeps its last newline. */
function scanHeredoc(s: Scanner): void {
  const pos = s.here();
  const opener = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(s.text.slice(s.i));
  if (!opener) return s.fail('invalid heredoc');
  const body = s.i + opener[0].length;
  const closer = new RegExp(`^[ \\t]*${opener[1]}[ \\t]*$`, 'm').exec(s.text.slice(body));
  if (!closer) return s.fail(`heredoc ${opener[1]} is never closed`);
  const value = s.text.slice(body, body + closer.index);
  s.advanceTo(body + closer.index + closer[0].length);
  s.tokens.push({ kind: 'string', text: value, value, pos });
}

/** A number, `true`/`false`, or an identifier (letters, digits, `_`, `-`, `.`). */
function scanWord(s: Scanner): void {
  const pos = s.here();
  const match = /^-?(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)|^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(s.text.slice(s.i));
  if (!match) return s.fail(`unexpected character ${JSON.stringify(s.text[s.i])}`);
  const word = match[0];
  s.i += word.length;
  if (/^[0-9-]/.test(word)) s.tokens.push({ kind: 'number', text: word, value: numberOf(word), pos });
  else if (word === 'true' || word === 'false') s.tokens.push({ kind: 'bool', text: word, value: word === 'true', pos });
  else s.tokens.push({ kind: 'ident', text: word, value: word, pos });
}

/** HCL1 reads a leading 0 as octal (perms = 0600 is 384), as Go's strconv.ParseInt(s, 0, 64). */
function numberOf(word: string): number {
  const negative = word.startsWith('-');
  const digits = negative ? word.slice(1) : word;
  let value: number;
  if (/^0x/i.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (/^0[0-7]+$/.test(digits)) value = parseInt(digits.slice(1), 8);
  else value = Number(digits);
  return negative ? -value : value;
}

class HclParser {
  #index = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly file: string,
  ) {}

  peek(): Token {
    return this.tokens[this.#index]!;
  }

  #next(): Token {
    return this.tokens[this.#index++]!;
  }

  #fail(token: Token, message: string): never {
    throw new CtmplError('CONFIG', `${this.file}:${token.pos.line}:${token.pos.col}: ${message}`);
  }

  expect(kind: TokenKind, text?: string): Token {
    const token = this.#next();
    if (token.kind !== kind || (text !== undefined && token.text !== text)) {
      this.#fail(token, `expected ${text ?? kind}, found ${token.text}`);
    }
    return token;
  }

  /** ObjectList: (keys ('=' | ':')? value ','?)* up to `end` ('}' or end of file). */
  parseItems(end: 'eof' | '}', pos: Position = { line: 1, col: 1 }): HclValue {
    const items: HclItem[] = [];
    while (this.peek().kind !== 'eof' && this.peek().text !== '}') {
      items.push(this.#parseItem());
      if (this.peek().text === ',') this.#next();
    }
    if (end === '}') this.expect('punct', '}');
    return { kind: 'object', pos, items };
  }

  /** Item: key+ ('=' value | object). */
  #parseItem(): HclItem {
    const keys: { name: string; pos: Position }[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'ident' && token.kind !== 'string') break;
      this.#next();
      keys.push({ name: String(token.value), pos: token.pos });
    }
    if (keys.length === 0) this.#fail(this.peek(), `expected a key, found ${this.peek().text}`);
    const next = this.peek();
    if (next.text === '=' || next.text === ':') {
      this.#next();
      return { keys, value: this.parseValue() };
    }
    if (next.text !== '{') this.#fail(next, `expected "=" or "{" after ${keys.map((k) => k.name).join(' ')}, found ${next.text}`);
    return { keys, value: this.parseValue() };
  }

  /** Value: literal | '{' items '}' | '[' (value ',')* ']'. */
  parseValue(): HclValue {
    const token = this.#next();
    if (token.kind === 'string' || token.kind === 'number' || token.kind === 'bool') return { kind: 'literal', pos: token.pos, value: token.value };
    if (token.text === '{') return this.parseItems('}', token.pos);
    if (token.text === '[') {
      const values: HclValue[] = [];
      while (this.peek().text !== ']') {
        values.push(this.parseValue());
        if (this.peek().text !== ',') break;
        this.#next();
      }
      this.expect('punct', ']');
      return { kind: 'list', pos: token.pos, values };
    }
    return this.#fail(token, `expected a value, found ${token.text}`);
  }
}
