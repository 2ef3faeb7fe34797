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

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): Position => ({ line, col: i - lineStart + 1 });
  const fail = (message: string): never => {
    throw new CtmplError('CONFIG', `${file}:${line}:${i - lineStart + 1}: ${message}`);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      for (; i < end + 2; i++) if (text[i] === '\n') [line, lineStart] = [line + 1, i + 1];
    } else if ('{}[],=:'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, value: c, pos: here() });
      i++;
    } else if (c === '"') {
      const pos = here();
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (text[j] !== '"') fail('unterminated string');
      const raw = text.slice(i, j + 1);
      let value: string;
      try {
        value = JSON.parse(raw.replace(/\t/g, '\\t')) as string;
      } catch {
        value = fail(`invalid string ${raw}`);
      }
      tokens.push({ kind: 'string', text: raw, value, pos });
      i = j + 1;
    } else if (text.startsWith('<<', i)) {
      const pos = here();
      const match = /^<<-?([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(text.slice(i));
      if (!match) fail('invalid heredoc');
      const body = i + match![0].length;
      const end = new RegExp(`^[ \\t]*${match![1]}[ \\t]*$`, 'm');
      const rest = text.slice(body);
      const found = end.exec(rest);
      if (!found) fail(`heredoc ${match![1]} is never closed`);
      const value = rest.slice(0, found!.index);
      for (const ch of text.slice(i, body + found!.index + found![0].length)) if (ch === '\n') line++;
      i = body + found!.index + found![0].length;
      lineStart = text.lastIndexOf('\n', i - 1) + 1;
      tokens.push({ kind: 'string', text: value, value, pos });
    } else {
      const pos = here();
      const match = /^-?(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)|^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(text.slice(i));
      if (!match) fail(`unexpected character ${JSON.stringify(c)}`);
      const word = match![0];
      i += word.length;
      if (/^[A-Za-z_]/.test(word)) {
        if (word === 'true' || word === 'false') tokens.push({ kind: 'bool', text: word, value: word === 'true', pos });
        else tokens.push({ kind: 'ident', text: word, value: word, pos });
      } else {
        tokens.push({ kind: 'number', text: word, value: numberOf(word), pos });
      }
    }
  }
  tokens.push({ kind: 'eof', text: 'end of file', value: '', pos: here() });
  return tokens;
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
