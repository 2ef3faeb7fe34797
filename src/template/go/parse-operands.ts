/**
 * The operand productions of the Go template parser (parse.go's command, operand and term):
 * literals, functions, dot, fields, variables, chains and parenthesized pipelines. One function
 * per grammar production, each taking the parser as an OperandParser; errors go through its
 * `errorf`, so they reach the parser's one conversion point like every other parse error.
 */
import type { Token, TokenKind } from './lexer.js';
import type { TokenStream } from './token-stream.js';
import type { ArgNode, CommandNode, NumberNode, PipeNode, VariableNode } from './nodes.js';
import { nodeString } from './nodes.js';
import { LiteralError, parseNumber, quote, unquote, unquoteChar } from './strconv.js';

/** The parser as the operand productions see it: its tokens, its scope and its error paths. */
export interface OperandParser {
  readonly stream: TokenStream;
  readonly hasFunction: (name: string) => boolean;
  /** Whether the variable `$name` is declared in the current scope. */
  isDeclared(name: string): boolean;
  errorf(message: string): never;
  unexpected(token: Token, context: string): never;
  nested<T>(body: () => T): T;
  pipeline(context: string, end: TokenKind): PipeNode;
}

/** Tokens that can start an operand, so a command. */
export const OPERAND_START: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'bool', 'charConstant', 'complex', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string',
  'variable', 'leftParen',
]);

/** command: operand (space operand)* — up to a pipe symbol or the end of the pipeline. */
export function parseCommand(p: OperandParser): CommandNode {
  const cmd: CommandNode = { type: 'command', pos: p.stream.peekNonSpace().pos, args: [] };
  for (;;) {
    p.stream.peekNonSpace();
    const node = operand(p);
    if (node) cmd.args.push(node);
    const token = p.stream.next();
    if (token.kind === 'space') continue;
    if (token.kind === 'rightDelim' || token.kind === 'rightParen') p.stream.backup();
    else if (token.kind !== 'pipe') p.unexpected(token, 'operand');
    break;
  }
  if (cmd.args.length === 0) p.errorf('empty command');
  return cmd;
}

/** operand: term .Field* */
function operand(p: OperandParser): ArgNode | null {
  const node = term(p);
  if (!node || p.stream.peek().kind !== 'field') return node;
  const pos = p.stream.peek().pos;
  const fields: string[] = [];
  while (p.stream.peek().kind === 'field') fields.push(p.stream.next().value.slice(1));
  switch (node.type) {
    case 'field': return { type: 'field', pos, ident: [...node.ident, ...fields] };
    case 'variable': return { type: 'variable', pos, ident: [...node.ident, ...fields] };
    case 'bool': case 'string': case 'number': case 'nil': case 'dot':
      p.errorf(`unexpected . after term ${quote(nodeString(node))}`);
  }
  return { type: 'chain', pos, node, field: fields };
}

/** term: literal | function | . | .Field | $var | '(' pipeline ')' */
function term(p: OperandParser): ArgNode | null {
  const token = p.stream.nextNonSpace();
  const { pos, value } = token;
  switch (token.kind) {
    case 'identifier':
      if (!p.hasFunction(value)) p.errorf(`function ${quote(value)} not defined`);
      return { type: 'identifier', pos, ident: value };
    case 'dot': return { type: 'dot', pos };
    case 'nil': return { type: 'nil', pos };
    case 'variable': return variable(p, token);
    case 'field': return { type: 'field', pos, ident: value.slice(1).split('.') };
    case 'bool': return { type: 'bool', pos, value: value === 'true' };
    case 'charConstant': case 'number': case 'complex': return number(p, token);
    case 'leftParen': return p.nested(() => p.pipeline('parenthesized pipeline', 'rightParen'));
    case 'string': case 'rawString': return { type: 'string', pos, quoted: value, text: unquoteLiteral(p, value) };
  }
  p.stream.backup();
  return null;
}

/** variable: $name(.Field)* — the variable must be declared in scope. */
function variable(p: OperandParser, token: Token): VariableNode {
  const ident = token.value.split('.');
  if (!p.isDeclared(ident[0] as string)) p.errorf(`undefined variable ${quote(ident[0] as string)}`);
  return { type: 'variable', pos: token.pos, ident };
}

/** number: integer | float | 'char' — complex constants are refused. */
function number(p: OperandParser, token: Token): NumberNode {
  const { pos, value: text } = token;
  if (token.kind === 'complex' || text.endsWith('i')) p.errorf(`complex constant ${quote(text)} is not supported`);
  try {
    if (token.kind === 'charConstant') {
      const { value, tail } = unquoteChar(text.slice(1), "'");
      if (tail !== "'") p.errorf(`malformed character constant: ${text}`);
      return { type: 'number', pos, text, isInt: true, isUint: true, isFloat: true, int: value, float: value };
    }
    return { type: 'number', pos, text, ...parseNumber(text) };
  } catch (error) {
    if (error instanceof LiteralError) p.errorf(error.message);
    throw error;
  }
}

/** stringValue: "…" | `…` — the text of a string literal. */
export function unquoteLiteral(p: Pick<OperandParser, 'errorf'>, literal: string): string {
  try {
    return unquote(literal);
  } catch (error) {
    if (error instanceof LiteralError) p.errorf(error.message);
    throw error;
  }
}
