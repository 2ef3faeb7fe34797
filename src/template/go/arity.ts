/**
 * A static check of function calls in a parsed template, for `ctmpl check`: every call's
 * argument count against the function's declared parameters, as Go's evalCall checks them at
 * run time (`wrong number of args for F: want N got M`), but for every call, executed or not.
 */
import type { ArgNode, ControlNode, PipeNode } from './nodes.js';
import type { TreeSet } from './parser.js';

/** What the check needs of a function: its fixed parameters and whether it takes more. */
export interface FunctionShape {
  readonly params: readonly unknown[];
  readonly variadic?: unknown;
}

export interface ArityProblem {
  /** Offset of the call in the template text. */
  readonly pos: number;
  readonly message: string;
}

/** Returns every call in `trees` whose argument count its function cannot take. */
export function checkArity(trees: TreeSet, shapeOf: (name: string) => FunctionShape | undefined): ArityProblem[] {
  const problems: ArityProblem[] = [];
  const visitPipe = (pipe: PipeNode): void => {
    pipe.cmds.forEach((cmd, index) => {
      const [first, ...rest] = cmd.args;
      // In `a | f x`, the value of `a` is f's last argument.
      const piped = index > 0 ? 1 : 0;
      if (first?.type === 'identifier') checkCall(first.ident, first.pos, rest.length + piped);
      for (const arg of rest) visitArg(arg);
      if (first && first.type !== 'identifier') visitArg(first);
    });
  };
  const visitArg = (arg: ArgNode): void => {
    if (arg.type === 'pipe') visitPipe(arg);
    else if (arg.type === 'chain') visitArg(arg.node);
    // A bare function name as an argument is a call without arguments, as in Go's evalArg.
    else if (arg.type === 'identifier') checkCall(arg.ident, arg.pos, 0);
  };
  const checkCall = (name: string, pos: number, count: number): void => {
    const shape = shapeOf(name);
    if (!shape) return;
    const fixed = shape.params.length;
    if (shape.variadic !== undefined ? count < fixed : count !== fixed) {
      const want = shape.variadic !== undefined ? `at least ${fixed}` : String(fixed);
      problems.push({ pos, message: `wrong number of args for ${name}: want ${want} got ${count}` });
    }
  };
  const visitNode = (node: ControlNode): void => {
    switch (node.type) {
      case 'list':
        node.nodes.forEach(visitNode);
        break;
      case 'action':
        visitPipe(node.pipe);
        break;
      case 'if': case 'range': case 'with':
        visitPipe(node.pipe);
        visitNode(node.list);
        if (node.elseList) visitNode(node.elseList);
        break;
      case 'template':
        if (node.pipe) visitPipe(node.pipe);
        break;
      default:
        break;
    }
  };
  for (const tree of trees.values()) visitNode(tree);
  return problems.sort((a, b) => a.pos - b.pos);
}
