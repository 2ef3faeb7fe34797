/**
 * The Go text/template engine: parse once, execute many times with a FuncMap and data.
 */
import { BUILTINS } from './builtins.js';
import { guardStack, renderTree } from './exec.js';
import { parseTemplateSet, type TreeSet } from './parser.js';
import type { FuncMap, GoValue } from './values.js';

export interface GoTemplateOptions {
  /** Default "{{". */
  leftDelim?: string;
  /** Default "}}". */
  rightDelim?: string;
  /** Names of functions that exist (besides builtins); parse fails on others: `function "x" not defined`. */
  funcNames: ReadonlySet<string>;
}

export interface ExecuteOptions {
  missingKey?: 'default' | 'zero' | 'error';
}

/** A parsed template: the top-level tree and every define/block tree of the same text, by name. */
export class GoTemplate {
  constructor(
    readonly name: string,
    readonly text: string,
    readonly trees: TreeSet,
  ) {}
}

/** Engine-level functions every template can call; a FuncMap entry of the same name (a denied one) wins. */
const ENGINE_FUNCTIONS: ReadonlySet<string> = new Set(['executeTemplate']);

/** Parses `text`; throws CtmplError('TEMPLATE_PARSE') with Go's message (`template: NAME:LINE: …`). */
export function parseGoTemplate(name: string, text: string, options: GoTemplateOptions): GoTemplate {
  const hasFunction = (fn: string): boolean =>
    Object.hasOwn(BUILTINS, fn) || ENGINE_FUNCTIONS.has(fn) || options.funcNames.has(fn);
  const trees = parseTemplateSet(name, text, {
    leftDelim: options.leftDelim || '{{',
    rightDelim: options.rightDelim || '}}',
    hasFunction,
  });
  return new GoTemplate(name, text, trees);
}

/**
 * Renders the template with `data` as dot; throws CtmplError('TEMPLATE_EXEC') with Go's
 * message (`template: NAME:LINE:COL: executing "NAME" at <NODE>: …`).
 */
export function executeGoTemplate(tpl: GoTemplate, data: GoValue, funcs: FuncMap, options: ExecuteOptions = {}): string {
  const input = {
    parseName: tpl.name,
    text: tpl.text,
    trees: tpl.trees,
    funcs,
    missingKey: options.missingKey ?? 'default',
  };
  return guardStack(tpl.name, () => renderTree(input, tpl.name, data, 0));
}
