/**
 * The Go template lexer (text/template/parse/lex.go): a state machine whose states consume
 * input and emit one token at a time to the parser, which pulls with `nextToken()`.
 * `{{-`/`-}}` trimming happens here; the parser never sees it.
 */
import { quote } from './strconv.js';

export type TokenKind =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'complex' | 'assign' | 'declare' | 'eof' | 'field'
  | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim'
  | 'rightParen' | 'space' | 'string' | 'text' | 'variable'
  // keywords
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range'
  | 'template' | 'with';

export interface Token {
  readonly kind: TokenKind;
  readonly pos: number;
  readonly value: string;
  readonly line: number;
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['.', 'dot'], ['block', 'block'], ['break', 'break'], ['continue', 'continue'], ['define', 'define'],
  ['else', 'else'], ['end', 'end'], ['if', 'if'], ['nil', 'nil'], ['range', 'range'],
  ['template', 'template'], ['with', 'with'],
]);

/** Prints a token for "unexpected X in Y" messages, as Go's item.String does. */
export function tokenString(token: Token): string {
  if (token.kind === 'eof') return 'EOF';
  if (token.kind === 'error') return token.value;
  if (KEYWORDS.get(token.value) === token.kind) return `<${token.value}>`;
  if (Buffer.byteLength(token.value) > 10) return quote([...token.value].slice(0, 10).join('')) + '...';
  return quote(token.value);
}

export type StateFn = (l: Lexer) => StateFn | null;

export interface LexerOptions {
  readonly leftDelim: string;
  readonly rightDelim: string;
  /** Whether `break` and `continue` are keywords (they are not when functions have those names). */
  readonly breakOK: boolean;
  readonly continueOK: boolean;
}

const EOF = -1;
const isSpace = (r: number): boolean => r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
const WORD_CHAR = /[\p{L}\p{Nd}_]/u;
const isAlphaNumeric = (r: number): boolean =>
  r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) ||
  (r > 0x7f && WORD_CHAR.test(String.fromCodePoint(r)));
const hasLeftTrimMarker = (s: string, at: number): boolean => s[at] === '-' && isSpace(s.charCodeAt(at + 1));
const hasRightTrimMarker = (s: string, at: number): boolean => isSpace(s.charCodeAt(at)) && s[at + 1] === '-';

function trimmedLeft(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

export class Lexer {
  readonly input: string;
  readonly options: LexerOptions;
  pos = 0;
  start = 0;
  width = 0;
  parenDepth = 0;
  insideAction = false;
  #item: Token | null = null;
  #lineCursor = 0;
  #line = 1;

  constructor(input: string, options: LexerOptions) {
    this.input = input;
    this.options = options;
  }

  /** Runs states until one emits a token; after EOF or an error it keeps returning EOF. */
  nextToken(): Token {
    this.#item = null;
    let state: StateFn | null = this.insideAction ? lexInsideAction : lexText;
    while (state) state = state(this);
    return this.#item ?? this.#make('eof', this.pos, 'EOF');
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos) ?? EOF;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    this.pos -= this.width;
  }

  ignore(): void {
    this.start = this.pos;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  emit(kind: TokenKind): null {
    this.#item = this.#make(kind, this.start, this.input.slice(this.start, this.pos));
    this.start = this.pos;
    return null;
  }

  /** Emits an error token and stops the scan, as Go's errorf does. */
  errorf(message: string): null {
    this.#item = this.#make('error', this.start, message);
    this.insideAction = false;
    this.start = this.pos = this.input.length;
    return null;
  }

  atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    const { input, pos } = this;
    const rd = this.options.rightDelim;
    if (hasRightTrimMarker(input, pos) && input.startsWith(rd, pos + 2)) return { delim: true, trimSpaces: true };
    return { delim: input.startsWith(rd, pos), trimSpaces: false };
  }

  /** Whether the next character may end an identifier, field or variable. */
  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r) || r === EOF) return true;
    if ('.,|:)('.includes(String.fromCodePoint(r))) return true;
    return this.options.rightDelim.codePointAt(0) === r;
  }

  #make(kind: TokenKind, pos: number, value: string): Token {
    for (let i = this.input.indexOf('\n', this.#lineCursor); i >= 0 && i < pos; i = this.input.indexOf('\n', i + 1)) {
      this.#line++;
    }
    this.#lineCursor = Math.max(this.#lineCursor, pos);
    return { kind, pos, value, line: this.#line };
  }
}

function lexText(l: Lexer): StateFn | null {
  const { input, options } = l;
  const x = input.indexOf(options.leftDelim, l.pos);
  if (x < 0) {
    l.pos = input.length;
    return l.emit(l.pos > l.start ? 'text' : 'eof');
  }
  if (x > l.pos) {
    l.pos = x;
    let trimStart = x;
    if (hasLeftTrimMarker(input, x + options.leftDelim.length)) {
      while (trimStart > l.start && isSpace(input.charCodeAt(trimStart - 1))) trimStart--;
    }
    if (trimStart > l.start) {
      l.pos = trimStart;
      l.emit('text');
      l.pos = x;
      l.ignore();
      return null;
    }
    l.ignore();
  }
  return lexLeftDelim;
}

function lexLeftDelim(l: Lexer): StateFn | null {
  l.pos += l.options.leftDelim.length;
  const afterMarker = hasLeftTrimMarker(l.input, l.pos) ? 2 : 0;
  if (l.input.startsWith('/*', l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  l.emit('leftDelim');
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return null;
}

function lexComment(l: Lexer): StateFn | null {
  l.pos += 2;
  const x = l.input.indexOf('*/', l.pos);
  if (x < 0) return l.errorf('unclosed comment');
  l.pos = x + 2;
  const { delim, trimSpaces } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  l.pos += (trimSpaces ? 2 : 0) + l.options.rightDelim.length;
  if (trimSpaces) l.pos = trimmedLeft(l.input, l.pos);
  l.ignore();
  return lexText;
}

function lexRightDelim(l: Lexer): StateFn | null {
  const { trimSpaces } = l.atRightDelim();
  if (trimSpaces) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += l.options.rightDelim.length;
  l.emit('rightDelim');
  if (trimSpaces) {
    l.pos = trimmedLeft(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return null;
}

const SINGLE_CHAR_TOKENS: Readonly<Record<string, StateFn>> = {
  '"': lexQuote, '`': lexRawQuote, $: lexVariable, "'": lexChar,
};

function lexInsideAction(l: Lexer): StateFn | null {
  if (l.atRightDelim().delim) return l.parenDepth === 0 ? lexRightDelim : l.errorf('unclosed left paren');
  const r = l.next();
  if (r === EOF) return l.errorf('unclosed action');
  const ch = String.fromCodePoint(r);
  if (isSpace(r)) {
    l.backup();
    return lexSpace;
  }
  const quoted = SINGLE_CHAR_TOKENS[ch];
  if (quoted) return quoted;
  switch (ch) {
    case '=': return l.emit('assign');
    case ':': return l.next() === 0x3d ? l.emit('declare') : l.errorf('expected :=');
    case '|': return l.emit('pipe');
    case '(':
      l.parenDepth++;
      return l.emit('leftParen');
    case ')':
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf(`unexpected right paren ${unicodeName(r)}`);
      return l.emit('rightParen');
  }
  if (ch === '.' && l.pos < l.input.length) {
    const c = l.input.charCodeAt(l.pos);
    if (c < 0x30 || c > 0x39) return lexField;
  }
  if (ch === '.' || ch === '+' || ch === '-' || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r <= 0x7f && r >= 0x20 && r !== 0x7f) return l.emit('char');
  return l.errorf(`unrecognized character in action: ${unicodeName(r)}`);
}

/** Go's %#U: U+0041 'A'. */
function unicodeName(r: number): string {
  const hex = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(String.fromCodePoint(r)) ? `${hex} '${String.fromCodePoint(r)}'` : hex;
}

function lexSpace(l: Lexer): StateFn | null {
  let numSpaces = 0;
  while (isSpace(l.peek())) {
    l.next();
    numSpaces++;
  }
  // A space followed by "-}}" is a trim marker, not an argument separator.
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(l.options.rightDelim, l.pos + 1)) {
    l.pos--;
    if (numSpaces === 1) return lexRightDelim;
  }
  return l.emit('space');
}

function lexIdentifier(l: Lexer): StateFn | null {
  let r = l.next();
  while (isAlphaNumeric(r)) r = l.next();
  l.backup();
  if (!l.atTerminator()) return l.errorf(`bad character ${unicodeName(l.peek())}`);
  const word = l.input.slice(l.start, l.pos);
  const keyword = KEYWORDS.get(word);
  if (keyword && !(keyword === 'break' && !l.options.breakOK) && !(keyword === 'continue' && !l.options.continueOK)) {
    return l.emit(keyword);
  }
  if (word === 'true' || word === 'false') return l.emit('bool');
  return l.emit('identifier');
}

function lexField(l: Lexer): StateFn | null {
  return lexFieldOrVariable(l, 'field');
}

function lexVariable(l: Lexer): StateFn | null {
  if (l.atTerminator()) return l.emit('variable');
  return lexFieldOrVariable(l, 'variable');
}

function lexFieldOrVariable(l: Lexer, kind: 'field' | 'variable'): StateFn | null {
  if (l.atTerminator()) return l.emit(kind === 'variable' ? 'variable' : 'dot');
  let r = l.next();
  while (isAlphaNumeric(r)) r = l.next();
  l.backup();
  if (!l.atTerminator()) return l.errorf(`bad character ${unicodeName(l.peek())}`);
  return l.emit(kind);
}

function lexQuoted(l: Lexer, close: number, kind: 'string' | 'charConstant', message: string): StateFn | null {
  for (;;) {
    let r = l.next();
    if (r === 0x5c) {
      r = l.next();
      if (r !== EOF && r !== 0x0a) continue;
    }
    if (r === EOF || r === 0x0a) return l.errorf(message);
    if (r === close) return l.emit(kind);
  }
}

function lexChar(l: Lexer): StateFn | null {
  return lexQuoted(l, 0x27, 'charConstant', 'unterminated character constant');
}

function lexQuote(l: Lexer): StateFn | null {
  return lexQuoted(l, 0x22, 'string', 'unterminated quoted string');
}

function lexRawQuote(l: Lexer): StateFn | null {
  const end = l.input.indexOf('`', l.pos);
  if (end < 0) return l.errorf('unterminated raw quoted string');
  l.pos = end + 1;
  return l.emit('rawString');
}

function lexNumber(l: Lexer): StateFn | null {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    if (!scanNumber(l) || l.input[l.pos - 1] !== 'i') {
      return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    }
    return l.emit('complex');
  }
  return l.emit('number');
}

function scanNumber(l: Lexer): boolean {
  l.accept('+-');
  let digits = '0123456789_';
  if (l.accept('0')) {
    if (l.accept('xX')) digits = '0123456789abcdefABCDEF_';
    else if (l.accept('oO')) digits = '01234567_';
    else if (l.accept('bB')) digits = '01_';
  }
  l.acceptRun(digits);
  if (l.accept('.')) l.acceptRun(digits);
  if (digits.length === 11 && l.accept('eE')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  if (digits.length === 23 && l.accept('pP')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  l.accept('i');
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}
