/**
 * The Go template parser (text/template/parse/parse.go): one method per grammar production,
 * pulling tokens from the lexer with up to three tokens of lookahead. This file holds the
 * templates, actions, controls and pipelines; commands and their operands are parse-operands.ts's.
 * Errors are thrown as ParseFailure inside and turned into a CtmplError in exactly one place,
 * `parseTemplateSet`.
 */
import { CtmplError, PositionedError, positionOf } from '../../errors.js';
import { Lexer, tokenString, type Token, type TokenKind } from './lexer.js';
import { TokenStream } from './token-stream.js';
import type { BranchNode, ControlNode, KeywordNode, ListNode, PipeNode } from './nodes.js';
import { nodeString } from './nodes.js';
import { OPERAND_START, parseCommand, unquoteLiteral, type OperandParser } from './parse-operands.js';
import { quote } from './strconv.js';

export interface ParseOptions {
  readonly leftDelim: string;
  readonly rightDelim: string;
  readonly hasFunction: (name: string) => boolean;
}

/** Every tree a template text defines, by name: the top-level one and each define/block. */
export type TreeSet = ReadonlyMap<string, ListNode>;

/** Deeper nesting than this would exhaust the JavaScript stack before Go's own limit (10000). */
const MAX_DEPTH = 800;

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

function isEmptyTree(node: ControlNode): boolean {
  if (node.type === 'list') return node.nodes.every(isEmptyTree);
  return node.type === 'text' && node.text.trim() === '';
}

/** The members OperandParser names are public, for the operand productions; the rest is private. */
class Parser implements OperandParser {
  readonly #name: string;
  readonly hasFunction: (name: string) => boolean;
  readonly trees = new Map<string, ListNode>();
  readonly stream: TokenStream;
  #vars: string[] = ['$'];
  #rangeDepth = 0;
  #depth = 0;
  #actionLine = 0;

  constructor(name: string, text: string, options: ParseOptions) {
    this.#name = name;
    this.hasFunction = options.hasFunction;
    const hasBreak = options.hasFunction('break');
    const hasContinue = options.hasFunction('continue');
    this.stream = new TokenStream(new Lexer(text, { ...options, breakOK: !hasBreak, continueOK: !hasContinue }));
  }

  // Errors.

  errorf(message: string): never {
    throw new ParseFailure(`template: ${this.#name}:${this.stream.lastLine}: ${message}`, this.stream.lastPos);
  }

  #expect(kind: TokenKind, context: string, alternative?: TokenKind): Token {
    const token = this.stream.nextNonSpace();
    if (token.kind !== kind && token.kind !== alternative) this.unexpected(token, context);
    return token;
  }

  unexpected(token: Token, context: string): never {
    if (token.kind === 'error') {
      let extra = '';
      if (this.#actionLine !== 0 && this.#actionLine !== token.line) {
        extra = ` in action started at ${this.#name}:${this.#actionLine}`;
        if (token.value.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(token.value + extra);
    }
    this.errorf(`unexpected ${tokenString(token)} in ${context}`);
  }

  #add(name: string, root: ListNode): void {
    const existing = this.trees.get(name);
    if (!existing || isEmptyTree(existing)) this.trees.set(name, root);
    else if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(name)}`);
  }

  /** Runs `body` as the parse of a new tree (define/block): own variables and range depth. */
  #inNewTree<T>(body: () => T): T {
    const [vars, rangeDepth] = [this.#vars, this.#rangeDepth];
    this.#vars = ['$'];
    this.#rangeDepth = 0;
    try {
      return body();
    } finally {
      [this.#vars, this.#rangeDepth] = [vars, rangeDepth];
    }
  }

  isDeclared(name: string): boolean {
    return this.#vars.includes(name);
  }

  nested<T>(body: () => T): T {
    if (this.#depth >= MAX_DEPTH) this.errorf('max expression depth exceeded');
    this.#depth++;
    try {
      return body();
    } finally {
      this.#depth--;
    }
  }

  // Grammar.

  /** Template: (textOrAction | define)* EOF, the top level; defines are only allowed here. */
  parse(): void {
    const root: ListNode = { type: 'list', pos: this.stream.peek().pos, nodes: [] };
    while (this.stream.peek().kind !== 'eof') {
      if (this.stream.peek().kind === 'leftDelim') {
        const delim = this.stream.next();
        if (this.stream.nextNonSpace().kind === 'define') {
          this.#parseDefinition();
          continue;
        }
        this.stream.backup2(delim);
      }
      const node = this.#textOrAction();
      if (node.type === 'end' || node.type === 'else') this.errorf(`unexpected ${nodeString(node)}`);
      root.nodes.push(node);
    }
    this.#add(this.#name, root);
  }

  /** Define: {{define stringValue}} itemList {{end}} — "define" is already consumed. */
  #parseDefinition(): void {
    const context = 'define clause';
    const name = this.#templateName(this.#expect('string', context, 'rawString'), context);
    this.#expect('rightDelim', context);
    const root = this.#inNewTree(() => this.#endedList(context));
    this.#add(name, root);
  }

  #endedList(context: string): ListNode {
    const [list, end] = this.#itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    return list;
  }

  /** itemList: textOrAction* — ends at {{end}} or {{else}}, returned separately. */
  #itemList(): [ListNode, KeywordNode] {
    const list: ListNode = { type: 'list', pos: this.stream.peekNonSpace().pos, nodes: [] };
    while (this.stream.peekNonSpace().kind !== 'eof') {
      const node = this.#textOrAction();
      if (node.type === 'end' || node.type === 'else') return [list, node];
      list.nodes.push(node);
    }
    this.errorf('unexpected EOF');
  }

  /** textOrAction: text | action */
  #textOrAction(): ControlNode {
    const token = this.stream.nextNonSpace();
    if (token.kind === 'text') return { type: 'text', pos: token.pos, text: token.value };
    if (token.kind !== 'leftDelim') this.unexpected(token, 'input');
    this.#actionLine = token.line;
    try {
      return this.#action();
    } finally {
      this.#actionLine = 0;
    }
  }

  /** Action: control | command ("|" command)* — the left delimiter is consumed. */
  #action(): ControlNode {
    const token = this.stream.nextNonSpace();
    switch (token.kind) {
      case 'block': return this.#blockControl();
      case 'break': case 'continue': return this.#loopControl(token);
      case 'else': return this.#elseControl();
      case 'end': return { type: 'end', pos: this.#expect('rightDelim', 'end').pos };
      case 'if': case 'range': case 'with': return this.nested(() => this.#parseControl(token.kind as BranchNode['type']));
      case 'template': return this.#templateControl();
    }
    this.stream.backup();
    return { type: 'action', pos: this.stream.peek().pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  /** Pipeline: declarations? command ('|' command)* */
  pipeline(context: string, end: TokenKind): PipeNode {
    const pipe: PipeNode = { type: 'pipe', pos: this.stream.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    this.#declarations(pipe, context);
    for (;;) {
      const token = this.stream.nextNonSpace();
      if (token.kind === end) {
        this.#checkPipeline(pipe, context);
        return pipe;
      }
      if (!OPERAND_START.has(token.kind)) this.unexpected(token, context);
      this.stream.backup();
      pipe.cmds.push(parseCommand(this));
    }
  }

  /** declarations: $x := | $x = | $i, $e := (range only) */
  #declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.stream.peekNonSpace();
      if (v.kind !== 'variable') return;
      this.stream.next();
      const afterVariable = this.stream.peek();
      const next = this.stream.peekNonSpace();
      if (next.kind === 'assign' || next.kind === 'declare') {
        pipe.isAssign = next.kind === 'assign';
        this.stream.nextNonSpace();
        this.#declare(pipe, v);
        return;
      }
      if (next.kind === 'char' && next.value === ',') {
        this.stream.nextNonSpace();
        this.#declare(pipe, v);
        if (context === 'range' && pipe.decl.length < 2) {
          if (['variable', 'rightDelim', 'rightParen'].includes(this.stream.peekNonSpace().kind)) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      if (afterVariable.kind === 'space') this.stream.backup3(v, afterVariable);
      else this.stream.backup2(v);
      return;
    }
  }

  #declare(pipe: PipeNode, token: Token): void {
    pipe.decl.push({ type: 'variable', pos: token.pos, ident: token.value.split('.') });
    this.#vars.push(token.value);
  }

  #checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((cmd, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(cmd.args[0]?.type ?? '')) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  /**
   * If/Range/With: {{KEYWORD pipeline}} itemList ({{else}} itemList)? {{end}},
   * with {{else if …}} and {{else with …}} read as a nested if/with needing one {{end}}.
   */
  #parseControl(context: BranchNode['type']): BranchNode {
    const varsLength = this.#vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.#rangeDepth++;
      const [list, next] = this.#itemList();
      if (context === 'range') this.#rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') elseList = this.#elseBranch(context, next);
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      this.#vars.length = varsLength;
    }
  }

  #elseBranch(context: BranchNode['type'], elseNode: KeywordNode): ListNode {
    const chained = this.stream.peek().kind;
    if ((context === 'if' || context === 'with') && chained === context) {
      this.stream.next();
      return { type: 'list', pos: elseNode.pos, nodes: [this.nested(() => this.#parseControl(context))] };
    }
    const [elseList, end] = this.#itemList();
    if (end.type !== 'end') this.errorf(`expected end; found ${nodeString(end)}`);
    return elseList;
  }

  /** Else: {{else}} — or the start of {{else if}} / {{else with}}, left pending. */
  #elseControl(): KeywordNode {
    const peek = this.stream.peekNonSpace();
    if (peek.kind === 'if' || peek.kind === 'with') return { type: 'else', pos: peek.pos };
    return { type: 'else', pos: this.#expect('rightDelim', 'else').pos };
  }

  /** Break/Continue: {{break}} {{continue}}, only inside a range. */
  #loopControl(keyword: Token): KeywordNode {
    const kind = keyword.kind as 'break' | 'continue';
    const token = this.stream.nextNonSpace();
    if (token.kind !== 'rightDelim') this.unexpected(token, `{{${kind}}}`);
    if (this.#rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { type: kind, pos: keyword.pos };
  }

  /** Block: {{block stringValue pipeline}} itemList {{end}} — defines and executes NAME. */
  #blockControl(): ControlNode {
    const context = 'block clause';
    const token = this.stream.nextNonSpace();
    const name = this.#templateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const root = this.#inNewTree(() => this.#endedList(context));
    this.#add(name, root);
    return { type: 'template', pos: token.pos, name, pipe };
  }

  /** Template: {{template stringValue pipeline?}} */
  #templateControl(): ControlNode {
    const context = 'template clause';
    const token = this.stream.nextNonSpace();
    const name = this.#templateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.stream.nextNonSpace().kind !== 'rightDelim') {
      this.stream.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: token.pos, name, pipe };
  }

  #templateName(token: Token, context: string): string {
    if (token.kind !== 'string' && token.kind !== 'rawString') this.unexpected(token, context);
    return unquoteLiteral(this, token.value);
  }
}

/**
 * Parses a template text into its tree set (the top-level tree under `name`, plus every
 * define and block). Throws CtmplError('TEMPLATE_PARSE') with Go's message.
 */
export function parseTemplateSet(name: string, text: string, options: ParseOptions): TreeSet {
  const parser = new Parser(name, text, options);
  try {
    parser.parse();
  } catch (error) {
    if (error instanceof ParseFailure) throw new PositionedError('TEMPLATE_PARSE', error.message, positionOf(text, error.pos));
    if (error instanceof RangeError) {
      throw new CtmplError('TEMPLATE_PARSE', `template: ${name}: template nesting too deep`, { cause: error });
    }
    throw error;
  }
  return parser.trees;
}
