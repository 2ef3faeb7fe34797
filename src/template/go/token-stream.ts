/**
 * The parser's view of the lexer: Go's next/backup/backup2/backup3/peek over a buffer of up
 * to three tokens, plus the line of the most recently lexed token (where parse errors point).
 */
import type { Lexer, Token } from './lexer.js';

export class TokenStream {
  readonly #lexer: Lexer;
  readonly #tokens: Token[] = [];
  #peekCount = 0;
  lastLine = 1;
  /** Offset of the most recently lexed token, for the column of a parse error. */
  lastPos = 0;

  constructor(lexer: Lexer) {
    this.#lexer = lexer;
  }

  #fetch(): Token {
    const token = this.#lexer.nextToken();
    this.lastLine = token.line;
    this.lastPos = token.pos;
    return token;
  }

  next(): Token {
    if (this.#peekCount > 0) this.#peekCount--;
    else this.#tokens[0] = this.#fetch();
    return this.#tokens[this.#peekCount] as Token;
  }

  backup(): void {
    this.#peekCount++;
  }

  /** Pushes back t1; the token after it is still in the buffer. */
  backup2(t1: Token): void {
    this.#tokens[1] = t1;
    this.#peekCount = 2;
  }

  /** Pushes back t2 then t1 (reverse order); the token after them is still in the buffer. */
  backup3(t2: Token, t1: Token): void {
    this.#tokens[1] = t1;
    this.#tokens[2] = t2;
    this.#peekCount = 3;
  }

  peek(): Token {
    if (this.#peekCount > 0) return this.#tokens[this.#peekCount - 1] as Token;
    this.#peekCount = 1;
    this.#tokens[0] = this.#fetch();
    return this.#tokens[0];
  }

  nextNonSpace(): Token {
    let token = this.next();
    while (token.kind === 'space') token = this.next();
    return token;
  }

  peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }
}
