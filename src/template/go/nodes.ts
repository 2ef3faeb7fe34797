/**
 * The parse tree of a Go template (text/template/parse/node.go). Every node stores the byte
 * offset (`pos`, a UTF-16 index into the template text) where it starts; line and column are
 * computed from it only when a message needs them. `nodeString` prints a node back as source.
 */
import { quote } from './strconv.js';

export interface TextNode { readonly type: 'text'; readonly pos: number; readonly text: string }
export interface ListNode { readonly type: 'list'; readonly pos: number; readonly nodes: ControlNode[] }
export interface ActionNode { readonly type: 'action'; readonly pos: number; readonly pipe: PipeNode }
export interface BranchNode {
  readonly type: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode {
  readonly type: 'template';
  readonly pos: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export interface KeywordNode { readonly type: 'break' | 'continue' | 'end' | 'else'; readonly pos: number }

export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode { readonly type: 'command'; readonly pos: number; readonly args: ArgNode[] }
export interface IdentifierNode { readonly type: 'identifier'; readonly pos: number; readonly ident: string }
export interface VariableNode { readonly type: 'variable'; readonly pos: number; readonly ident: readonly string[] }
export interface FieldNode { readonly type: 'field'; readonly pos: number; readonly ident: readonly string[] }
export interface ChainNode {
  readonly type: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: string[];
}
export interface DotNode { readonly type: 'dot'; readonly pos: number }
export interface NilNode { readonly type: 'nil'; readonly pos: number }
export interface BoolNode { readonly type: 'bool'; readonly pos: number; readonly value: boolean }
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int: number;
  readonly float: number;
}
export interface StringNode { readonly type: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }

/** Nodes that appear in a list (the statement level). */
export type ControlNode = TextNode | ActionNode | BranchNode | TemplateNode | KeywordNode | ListNode;
/** Nodes that appear as command arguments (the expression level). */
export type ArgNode =
  | IdentifierNode | VariableNode | FieldNode | ChainNode | DotNode | NilNode | BoolNode | NumberNode
  | StringNode | PipeNode;
export type Node = ControlNode | ArgNode | CommandNode;

function pipeString(pipe: PipeNode): string {
  let out = '';
  if (pipe.decl.length > 0) {
    out = pipe.decl.map((v) => v.ident.join('.')).join(', ') + (pipe.isAssign ? ' = ' : ' := ');
  }
  return out + pipe.cmds.map(commandString).join(' | ');
}

function commandString(cmd: CommandNode): string {
  return cmd.args.map((arg) => (arg.type === 'pipe' ? `(${pipeString(arg)})` : nodeString(arg))).join(' ');
}

function branchString(node: BranchNode): string {
  const elsePart = node.elseList ? '{{else}}' + nodeString(node.elseList) : '';
  return `{{${node.type} ${pipeString(node.pipe)}}}${nodeString(node.list)}${elsePart}{{end}}`;
}

/** Prints a node back as template source, as Go's Node.String() does. */
export function nodeString(node: Node): string {
  switch (node.type) {
    case 'text': return node.text;
    case 'list': return node.nodes.map(nodeString).join('');
    case 'action': return `{{${pipeString(node.pipe)}}}`;
    case 'if': case 'range': case 'with': return branchString(node);
    case 'template': return `{{template ${quote(node.name)}${node.pipe ? ' ' + pipeString(node.pipe) : ''}}}`;
    case 'break': case 'continue': case 'end': case 'else': return `{{${node.type}}}`;
    case 'pipe': return pipeString(node);
    case 'command': return commandString(node);
    case 'identifier': return node.ident;
    case 'variable': return node.ident.join('.');
    case 'field': return node.ident.map((f) => '.' + f).join('');
    case 'chain': {
      const base = node.node.type === 'pipe' ? `(${pipeString(node.node)})` : nodeString(node.node);
      return base + node.field.map((f) => '.' + f).join('');
    }
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(node.value);
    case 'number': return node.text;
    case 'string': return node.quoted;
  }
}

/** `NAME:LINE:COL` of an offset, with Go's column rule (byte offset within the line, from 0). */
export function errorLocation(parseName: string, text: string, pos: number): string {
  const before = text.slice(0, pos);
  const lastNewline = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  const col = Buffer.byteLength(before.slice(lastNewline + 1), 'utf8');
  return `${parseName}:${line}:${col}`;
}
