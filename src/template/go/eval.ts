/**
 * Expression evaluation (exec.go's eval* functions): pipelines, commands, fields, variables
 * and function calls with Go's argument checks. Nothing here writes output; that is `walk`'s.
 */
import { messageOf } from '../../errors.js';
import { BUILTINS, isAssignable, paramTypeName, type EngineFunc, type ParamType } from './builtins.js';
import type { ArgNode, ChainNode, CommandNode, FieldNode, IdentifierNode, Node, NumberNode, PipeNode, VariableNode } from './nodes.js';
import { nodeString } from './nodes.js';
import { isStruct, isTrue, typeName } from './reflect.js';
import { errorf, nilDereference, setVar, varValue, type ExecState } from './state.js';
import { GoFloat, GoInt, GoNil, mapZero, methodOf, type GoValue } from './values.js';

/** "No final argument": the command is not fed by a previous pipeline stage. */
const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

const EXECUTE_TEMPLATE: ParamType[] = ['string'];
const NO_ARGS: readonly Node[] = [];

/** Evaluates a pipeline, declaring or assigning its variables; nil results become missing values. */
export function evalPipeline(s: ExecState, dot: GoValue, pipe: PipeNode | null): GoValue {
  if (!pipe) return undefined;
  s.node = pipe;
  let value: GoValue = undefined;
  let final: Final = MISSING;
  const cmds = pipe.cmds;
  for (let i = 0; i < cmds.length; i++) {
    value = evalCommand(s, dot, cmds[i] as CommandNode, final);
    // Go digs a nil interface{} out into an invalid value, which prints as <no value>.
    if (value === null) value = undefined;
    final = value;
  }
  if (pipe.decl.length > 0) declare(s, pipe, value);
  return value;
}

function declare(s: ExecState, pipe: PipeNode, value: GoValue): void {
  for (const variable of pipe.decl) {
    const name = variable.ident[0] as string;
    if (pipe.isAssign) setVar(s, name, value);
    else s.vars.push({ name, value });
  }
}

function evalCommand(s: ExecState, dot: GoValue, cmd: CommandNode, final: Final): GoValue {
  const first = cmd.args[0] as ArgNode;
  switch (first.type) {
    case 'field': return evalFieldNode(s, dot, first, cmd.args, final);
    case 'chain': return evalChainNode(s, dot, first, cmd.args, final);
    case 'identifier': return evalFunction(s, dot, first, cmd, cmd.args, final);
    case 'variable': return evalVariableNode(s, dot, first, cmd.args, final);
    case 'pipe':
      notAFunction(s, cmd.args, final);
      return evalPipeline(s, dot, first);
  }
  s.node = first;
  notAFunction(s, cmd.args, final);
  switch (first.type) {
    case 'bool': return first.value;
    case 'dot': return dot;
    case 'nil': return errorf(s, 'nil is not a command');
    case 'number': return idealConstant(s, first);
    case 'string': return first.text;
  }
}

function notAFunction(s: ExecState, args: readonly Node[], final: Final): void {
  if (args.length > 1 || final !== MISSING) {
    errorf(s, `can't give argument to non-function ${nodeString(args[0] as Node)}`);
  }
}

/** A number constant with no type context: int unless written as a float (`1.5`, `1e3`). */
function idealConstant(s: ExecState, n: NumberNode): GoValue {
  s.node = n;
  const isHexInt = /^0[xX]/.test(n.text) && !/[pP]/.test(n.text);
  if (n.isFloat && !isHexInt && !n.text.startsWith("'") && /[.eEpP]/.test(n.text)) return new GoFloat(n.float);
  if (n.isInt) return n.int;
  return errorf(s, `${n.text} overflows int`);
}

function evalFieldNode(s: ExecState, dot: GoValue, field: FieldNode, args: readonly Node[], final: Final): GoValue {
  s.node = field;
  return evalFieldChain(s, dot, dot, field.ident, 0, args, final);
}

function evalChainNode(s: ExecState, dot: GoValue, chain: ChainNode, args: readonly Node[], final: Final): GoValue {
  s.node = chain;
  if (chain.node.type === 'nil') errorf(s, `indirection through explicit nil in ${nodeString(chain)}`);
  const receiver = evalArg(s, dot, null, chain.node);
  return evalFieldChain(s, dot, receiver, chain.field, 0, args, final);
}

function evalVariableNode(s: ExecState, dot: GoValue, variable: VariableNode, args: readonly Node[], final: Final): GoValue {
  s.node = variable;
  const value = varValue(s, variable.ident[0] as string);
  if (variable.ident.length === 1) {
    notAFunction(s, args, final);
    return value;
  }
  return evalFieldChain(s, dot, value, variable.ident, 1, args, final);
}

/** Walks `receiver.ident[from].ident[from+1]…`; only the last field gets the arguments. */
function evalFieldChain(
  s: ExecState, dot: GoValue, receiver: GoValue, ident: readonly string[], from: number, args: readonly Node[], final: Final,
): GoValue {
  let value = receiver;
  const last = ident.length - 1;
  for (let i = from; i < last; i++) value = evalField(s, dot, ident[i] as string, NO_ARGS, MISSING, value);
  return evalField(s, dot, ident[last] as string, args, final, value);
}

/** `.name` on a value with methods (a method call), a map (a key) or a struct (a field). */
function evalField(s: ExecState, dot: GoValue, name: string, args: readonly Node[], final: Final, receiver: GoValue): GoValue {
  if (receiver === undefined) {
    if (s.missingKey === 'error') errorf(s, `nil data; no entry for key "${name}"`);
    return undefined;
  }
  if (receiver === null) errorf(s, `nil pointer evaluating interface {}.${name}`);
  if (receiver instanceof GoNil) nilDereference(s, receiver.typeName, name);
  const hasArgs = args.length > 1 || final !== MISSING;
  // Only structs carry methods (values.ts), so a map goes straight to its key.
  if (receiver instanceof Map) {
    if (hasArgs) errorf(s, `${name} is not a method but has arguments`);
    const value = receiver.get(name);
    if (value !== undefined) return value;
    if (s.missingKey === 'error') errorf(s, `map has no entry for key "${name}"`);
    return s.missingKey === 'zero' ? mapZero(receiver) : undefined;
  }
  const method = methodOf(receiver, name);
  if (method) return evalCall(s, dot, method as EngineFunc, false, s.node ?? args[0]!, name, args.slice(1) as ArgNode[], final);
  if (isStruct(receiver) && Object.hasOwn(receiver, name)) {
    if (hasArgs) errorf(s, `${name} has arguments but cannot be invoked as function`);
    return receiver[name];
  }
  return errorf(s, `can't evaluate field ${name} in type ${typeName(receiver)}`);
}

/** The FuncMap first, as in Go's findFunction: a denylist replaces `executeTemplate` there. */
function lookupFunction(s: ExecState, name: string): { fn: EngineFunc; isBuiltin: boolean } | null {
  if (Object.hasOwn(s.funcs, name)) return { fn: s.funcs[name] as EngineFunc, isBuiltin: false };
  if (name === 'executeTemplate') {
    return { fn: { params: EXECUTE_TEMPLATE, variadic: 'any', call: executeTemplateCall(s) }, isBuiltin: false };
  }
  if (Object.hasOwn(BUILTINS, name)) return { fn: BUILTINS[name] as EngineFunc, isBuiltin: true };
  return null;
}

function executeTemplateCall(s: ExecState): (name: string, ...data: GoValue[]) => GoValue {
  return (name, ...data) => {
    if (data.length > 1) {
      throw new Error(`executeTemplate: wrong number of arguments, expected 1 or 2, but got ${data.length + 1}`);
    }
    return s.executeTemplate(name, data[0] ?? null);
  };
}

function evalFunction(
  s: ExecState, dot: GoValue, node: IdentifierNode, cmd: Node, args: readonly Node[], final: Final,
): GoValue {
  s.node = node;
  const found = lookupFunction(s, node.ident);
  if (!found) return errorf(s, `"${node.ident}" is not a defined function`);
  return evalCall(s, dot, found.fn, found.isBuiltin, cmd, node.ident, args.slice(1) as ArgNode[], final);
}

function checkArity(s: ExecState, fn: EngineFunc, name: string, argCount: number, final: Final): void {
  const numIn = argCount + (final === MISSING ? 0 : 1);
  if (fn.variadic) {
    if (numIn < fn.params.length) {
      errorf(s, `wrong number of args for ${name}: want at least ${fn.params.length} got ${argCount}`);
    }
  } else if (numIn !== fn.params.length) {
    errorf(s, `wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
  }
}

/** Evaluates and/or arguments left to right, stopping at the first that decides the result. */
function evalShortCircuit(s: ExecState, dot: GoValue, fn: EngineFunc, name: string, args: readonly ArgNode[], final: Final): GoValue {
  const values: GoValue[] = [];
  for (const arg of args) {
    const value = evalArg(s, dot, 'value', arg);
    values.push(value);
    if (isTrue(value) === (name === 'or')) return fn.call(...values);
  }
  if (final !== MISSING) values.push(validateType(s, final, 'value'));
  return fn.call(...values);
}

function evalCall(
  s: ExecState, dot: GoValue, fn: EngineFunc, isBuiltin: boolean, node: Node, name: string,
  args: readonly ArgNode[], final: Final,
): GoValue {
  checkArity(s, fn, name, args.length, final);
  if (isBuiltin && (name === 'and' || name === 'or')) return evalShortCircuit(s, dot, fn, name, args, final);
  const fixed = fn.variadic ? fn.params.length : args.length;
  const argv = args.map((arg, i) => evalArg(s, dot, (i < fixed ? fn.params[i] : fn.variadic) ?? 'any', arg));
  if (final !== MISSING) {
    const i = argv.length;
    const type = fn.variadic && i >= fn.params.length ? fn.variadic : fn.params[i] ?? 'any';
    argv.push(validateType(s, final, type));
  }
  if (isBuiltin && name === 'call') {
    argv.unshift(args.length === 0 ? String(final as GoValue) : nodeString(args[0] as ArgNode));
  }
  try {
    return fn.call(...argv);
  } catch (error) {
    s.node = node;
    return errorf(s, `error calling ${name}: ${messageOf(error)}`);
  }
}

/** Zero values for nillable parameter types given a missing value or `nil`. */
function nilFor(type: ParamType): GoValue | typeof MISSING {
  switch (type) {
    case 'any': return null;
    case 'value': return undefined;
    case '[]string': case '[]any': return [];
    case 'map': return new Map();
  }
  return MISSING;
}

/** Checks a computed value against a parameter type, with Go's messages. */
function validateType(s: ExecState, value: GoValue, type: ParamType | null): GoValue {
  if (type === null || type === 'value') return value;
  if (value === undefined) {
    const zero = nilFor(type);
    if (zero === MISSING) return errorf(s, `invalid value; expected ${paramTypeName(type)}`);
    return zero;
  }
  // An int beyond 2^53 (a GoInt of type int) reaches a function as a number.
  if (isAssignable(value, type)) return type === 'int' && value instanceof GoInt ? Number(value.value) : value;
  return errorf(s, `wrong type for value; expected ${paramTypeName(type)}; got ${typeName(value)}`);
}

/** Evaluates an argument node for a parameter of the given type (null: no type, a chain receiver). */
function evalArg(s: ExecState, dot: GoValue, type: ParamType | null, n: ArgNode): GoValue {
  s.node = n;
  switch (n.type) {
    case 'dot': return validateType(s, dot, type);
    case 'field': return validateType(s, evalFieldNode(s, dot, n, [n], MISSING), type);
    case 'variable': return validateType(s, evalVariableNode(s, dot, n, NO_ARGS, MISSING), type);
    case 'pipe': return validateType(s, evalPipeline(s, dot, n), type);
    case 'identifier': return validateType(s, evalFunction(s, dot, n, n, [n], MISSING), type);
    case 'chain': return validateType(s, evalChainNode(s, dot, n, NO_ARGS, MISSING), type);
    case 'nil': {
      const zero = nilFor(type ?? 'any');
      return zero === MISSING ? errorf(s, `cannot assign nil to ${paramTypeName(type ?? 'any')}`) : zero;
    }
  }
  return evalConstant(s, type ?? 'any', n);
}

function evalConstant(s: ExecState, type: ParamType, n: Exclude<ArgNode, { type: 'dot' | 'field' | 'variable' | 'pipe' | 'identifier' | 'chain' | 'nil' }>): GoValue {
  switch (type) {
    case 'bool':
      return n.type === 'bool' ? n.value : errorf(s, `expected bool; found ${nodeString(n)}`);
    case 'float64':
      return n.type === 'number' && n.isFloat ? new GoFloat(n.float) : errorf(s, `expected float; found ${nodeString(n)}`);
    case 'int':
      return n.type === 'number' && n.isInt ? n.int : errorf(s, `expected integer; found ${nodeString(n)}`);
    case 'uint32':
      // reflect's SetUint keeps the low 32 bits of a larger constant, as Go does.
      return n.type === 'number' && n.isInt && n.int >= 0 ? Number(BigInt.asUintN(32, BigInt(n.int))) : errorf(s, `expected unsigned integer; found ${nodeString(n)}`);
    case 'string':
      return n.type === 'string' ? n.text : errorf(s, `expected string; found ${nodeString(n)}`);
    case 'any': case 'value':
      return n.type === 'number' ? idealConstant(s, n) : n.type === 'bool' ? n.value : n.text;
  }
  return errorf(s, `can't handle ${nodeString(n)} for arg of type ${paramTypeName(type)}`);
}
