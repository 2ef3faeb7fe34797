/**
 * The per-render execution state (Go's exec.go `state`): the template set, the current node,
 * the variable stack, the template depth and the output. Kept apart from the parsed template
 * so one template can render many times, even re-entrantly.
 */
import { CtmplError } from '../../errors.js';
import { errorLocation, nodeString, type Node } from './nodes.js';
import type { TreeSet } from './parser.js';
import type { FuncMap, GoValue } from './values.js';

export type MissingKey = 'default' | 'zero' | 'error';

export interface Variable {
  readonly name: string;
  value: GoValue;
}

export interface ExecState {
  readonly parseName: string;
  readonly text: string;
  readonly trees: TreeSet;
  readonly funcs: FuncMap;
  readonly missingKey: MissingKey;
  /** Renders a named template to a string in a new scope (consul-template's executeTemplate). */
  readonly executeTemplate: (name: string, dot: GoValue) => string;
  /** Name of the template being executed (changes inside {{template}}). */
  tmplName: string;
  node: Node | null;
  vars: Variable[];
  depth: number;
  out: string;
}

/** Stops execution with Go's message: `template: NAME:LINE:COL: executing "T" at <NODE>: msg`. */
export function errorf(s: ExecState, message: string): never {
  throw new CtmplError('TEMPLATE_EXEC', positioned(s, message));
}

/**
 * An execution error that data arriving later cannot cure: dereferencing a typed nil (a
 * `secret` with no data yet), which consul-template reports at once instead of rendering again.
 */
export class NilDereferenceError extends CtmplError {
  readonly isDataIndependent = true;
}

/** Stops execution for a dereferenced typed nil, e.g. `nil pointer evaluating *dependency.Secret.Data`. */
export function nilDereference(s: ExecState, typeName: string, field: string): never {
  throw new NilDereferenceError('TEMPLATE_EXEC', positioned(s, `nil pointer evaluating ${typeName}.${field}`));
}

function positioned(s: ExecState, message: string): string {
  if (!s.node) return `template: ${s.tmplName}: ${message}`;
  const location = errorLocation(s.parseName, s.text, s.node.pos);
  return `template: ${location}: executing "${s.tmplName}" at <${nodeString(s.node)}>: ${message}`;
}

export function varValue(s: ExecState, name: string): GoValue {
  for (let i = s.vars.length - 1; i >= 0; i--) {
    const variable = s.vars[i] as Variable;
    if (variable.name === name) return variable.value;
  }
  return errorf(s, `undefined variable: ${name}`);
}

export function setVar(s: ExecState, name: string, value: GoValue): void {
  for (let i = s.vars.length - 1; i >= 0; i--) {
    const variable = s.vars[i] as Variable;
    if (variable.name === name) {
      variable.value = value;
      return;
    }
  }
  errorf(s, `undefined variable: ${name}`);
}
