/**
 * Template execution (exec.go): `walk` visits the statement nodes and is the only writer of
 * output; expressions are evaluated by eval.ts. `s.node` is set before each step so every
 * error names the node it happened at.
 */
import { CtmplError } from '../../errors.js';
import { evalPipeline } from './eval.js';
import { nodeString, type BranchNode, type ControlNode, type ListNode, type TemplateNode } from './nodes.js';
import type { TreeSet } from './parser.js';
import { formatValue } from './print.js';
import { compareStrings, isTrue } from './reflect.js';
import { errorf, type ExecState, type MissingKey } from './state.js';
import { GoChannel, type FuncMap, type GoValue } from './values.js';

/**
 * Go allows 100000 nested template calls; a JavaScript stack holds far fewer frames, so the
 * cap is lower and a recursion error still reads like Go's.
 */
export const MAX_EXEC_DEPTH = 1000;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

function walk(s: ExecState, dot: GoValue, node: ControlNode): void {
  s.node = node;
  switch (node.type) {
    case 'text':
      s.out += node.text;
      return;
    case 'action': {
      const value = evalPipeline(s, dot, node.pipe);
      if (node.pipe.decl.length === 0) printValue(s, node, value);
      return;
    }
    case 'list': {
      const nodes = node.nodes;
      for (let i = 0; i < nodes.length; i++) walk(s, dot, nodes[i] as ControlNode);
      return;
    }
    case 'if': case 'with': return walkIfOrWith(s, dot, node);
    case 'range': return walkRange(s, dot, node);
    case 'template': return walkTemplate(s, dot, node);
    case 'break': throw BREAK;
    case 'continue': throw CONTINUE;
    case 'end': case 'else': return errorf(s, `unknown node: ${node.type}`);
  }
}

function printValue(s: ExecState, node: ControlNode, value: GoValue): void {
  if (typeof value === 'string') {
    s.out += value;
    return;
  }
  if (typeof value === 'number') {
    s.out += String(value);
    return;
  }
  s.node = node;
  if (value === undefined) {
    s.out += '<no value>';
    return;
  }
  if (value instanceof GoChannel) errorf(s, `can't print ${nodeString(node)} of type chan interface {}`);
  s.out += formatValue(value);
}

function walkIfOrWith(s: ExecState, dot: GoValue, node: BranchNode): void {
  const mark = s.vars.length;
  try {
    const value = evalPipeline(s, dot, node.pipe);
    if (isTrue(value)) walk(s, node.type === 'with' ? value : dot, node.list);
    else if (node.elseList) walk(s, dot, node.elseList);
  } finally {
    s.vars.length = mark;
  }
}

function isRangeable(value: GoValue): boolean {
  return value === undefined || value === null || Array.isArray(value) || value instanceof Map ||
    value instanceof GoChannel || typeof value === 'number';
}

function walkRange(s: ExecState, dot: GoValue, node: BranchNode): void {
  s.node = node;
  const outerMark = s.vars.length;
  try {
    const value = evalPipeline(s, dot, node.pipe);
    if (!isRangeable(value)) errorf(s, `range can't iterate over ${formatValue(value)}`);
    if (typeof value === 'number' && node.pipe.decl.length > 1) {
      errorf(s, `can't use ${value} to iterate over more than one variable`);
    }
    if (!rangeValue(s, node, value) && node.elseList) walk(s, dot, node.elseList);
  } finally {
    s.vars.length = outerMark;
  }
}

/** Runs the body for each element (maps in key order); false when there was none. */
function rangeValue(s: ExecState, node: BranchNode, value: GoValue): boolean {
  const mark = s.vars.length;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && rangeIteration(s, node, mark, i, value[i]); i++);
    return value.length > 0;
  }
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareStrings);
    for (let i = 0; i < keys.length && rangeIteration(s, node, mark, keys[i], value.get(keys[i] as string)); i++);
    return keys.length > 0;
  }
  if (value instanceof GoChannel) {
    let i = 0;
    for (const item of value.values) if (!rangeIteration(s, node, mark, i++, item)) break;
    return i > 0;
  }
  if (typeof value === 'number') {
    for (let i = 0; i < value && rangeIteration(s, node, mark, undefined, i); i++);
    return value > 0;
  }
  return false;
}

/** Runs one iteration body; false when it executed {{break}}. */
function rangeIteration(s: ExecState, node: BranchNode, mark: number, index: GoValue, elem: GoValue): boolean {
  const { decl, isAssign } = node.pipe;
  if (decl.length > 0) {
    const vars = s.vars;
    if (isAssign) {
      assign(s, decl[0]?.ident[0], decl.length > 1 ? index : elem);
      if (decl.length > 1) assign(s, decl[1]?.ident[0], elem);
    } else {
      (vars[mark - 1] as { value: GoValue }).value = elem;
      if (decl.length > 1) (vars[mark - 2] as { value: GoValue }).value = index;
    }
  }
  try {
    walk(s, elem, node.list);
  } catch (signal) {
    if (signal === BREAK) return false;
    if (signal !== CONTINUE) throw signal;
  } finally {
    if (s.vars.length !== mark) s.vars.length = mark;
  }
  return true;
}

function assign(s: ExecState, name: string | undefined, value: GoValue): void {
  for (let i = s.vars.length - 1; i >= 0; i--) {
    const variable = s.vars[i];
    if (variable && variable.name === name) {
      variable.value = value;
      return;
    }
  }
  errorf(s, `undefined variable: ${name}`);
}

function walkTemplate(s: ExecState, dot: GoValue, node: TemplateNode): void {
  s.node = node;
  const tree = s.trees.get(node.name);
  if (!tree) errorf(s, `template "${node.name}" not defined`);
  if (s.depth >= MAX_EXEC_DEPTH) errorf(s, `exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
  const newDot = evalPipeline(s, dot, node.pipe);
  const saved = { tmplName: s.tmplName, vars: s.vars, depth: s.depth };
  Object.assign(s, { tmplName: node.name, vars: [{ name: '$', value: newDot }], depth: s.depth + 1 });
  try {
    walk(s, newDot, tree);
  } finally {
    Object.assign(s, saved);
  }
}

export interface RenderInput {
  readonly parseName: string;
  readonly text: string;
  readonly trees: TreeSet;
  readonly funcs: FuncMap;
  readonly missingKey: MissingKey;
}

/** Executes the named tree with `data` as dot and `$`, at template depth `depth`. */
export function renderTree(input: RenderInput, name: string, data: GoValue, depth: number): string {
  const root = data === null ? undefined : data;
  const s: ExecState = {
    ...input,
    tmplName: name,
    node: null,
    vars: [{ name: '$', value: root }],
    depth,
    out: '',
    executeTemplate: (inner, dot) => executeNamed(input, s, inner, dot),
  };
  const tree: ListNode | undefined = input.trees.get(name);
  if (!tree) errorf(s, `"${name}" is an incomplete or empty template`);
  walk(s, root, tree);
  return s.out;
}

function executeNamed(input: RenderInput, s: ExecState, name: string, dot: GoValue): string {
  if (!input.trees.has(name)) {
    throw new Error(`template: no template "${name}" associated with template "${input.parseName}"`);
  }
  if (s.depth >= MAX_EXEC_DEPTH) throw new Error(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
  return renderTree(input, name, dot, s.depth + 1);
}

/** Turns a JavaScript stack overflow into an execution error instead of a crash. */
export function guardStack<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new CtmplError('TEMPLATE_EXEC', `template: ${name}: exceeded maximum template depth`, { cause: error });
    }
    throw error;
  }
}
