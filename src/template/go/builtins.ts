/**
 * text/template's predefined functions. They take Go's reflect.Value parameters ('value': a
 * missing value stays missing) or interface{} ones ('any': missing becomes nil), and throw to
 * report their error result.
 */
import { eq, ge, gt, le, lt, ne } from './compare.js';
import { html, js, urlquery } from './escape.js';
import { sprint, sprintf, sprintln } from './print.js';
import { byteLength, isStruct, isTrue, typeName } from './reflect.js';
import { GoChannel, GoInt, mapZero, taggedType, type GoFunc, type GoParamType, type GoValue } from './values.js';

export type ParamType = GoParamType | 'value';

/** A function the engine can call: a user GoFunc or a builtin. */
export interface EngineFunc {
  readonly params: readonly ParamType[];
  readonly variadic?: ParamType;
  readonly call: (...args: any[]) => GoValue;
}

const PARAM_TYPE_NAMES: Readonly<Record<ParamType, string>> = {
  string: 'string', int: 'int', float64: 'float64', bool: 'bool', any: 'interface {}', value: 'reflect.Value',
  '[]string': '[]string', '[]any': '[]interface {}', map: 'map[string]interface {}',
  uint32: 'uint32', 'time.Time': 'time.Time', 'sprig.certificate': 'sprig.certificate',
};

/** The Go spelling of a parameter type, for messages. */
export function paramTypeName(type: ParamType): string {
  return PARAM_TYPE_NAMES[type];
}

/** Whether a (non-missing) value is assignable to a parameter of this type. */
export function isAssignable(value: GoValue, type: ParamType): boolean {
  switch (type) {
    case 'any': case 'value': return true;
    case 'string': return typeof value === 'string';
    case 'int': return typeof value === 'number' || (value instanceof GoInt && value.type === 'int');
    case 'float64': return typeName(value) === 'float64';
    case 'bool': return typeof value === 'boolean';
    case '[]any': return Array.isArray(value) && underlying(taggedType(value) ?? '[]interface {}') === '[]interface {}';
    case '[]string': return Array.isArray(value) && isStringSlice(value);
    case 'map': return value instanceof Map && (taggedType(value) ?? 'map[string]interface {}') === 'map[string]interface {}';
    case 'uint32': return value instanceof GoInt && value.type === 'uint32';
    case 'time.Time': case 'sprig.certificate': return typeName(value) === type;
  }
}

/** Named slice types of the peers and their underlying types (Go's assignability rule). */
const UNDERLYING: Readonly<Record<string, string>> = {
  'dependency.ServiceTags': '[]string',
  'memkv.KVPairs': '[]memkv.KVPair',
};

const underlying = (type: string): string => UNDERLYING[type] ?? type;

/** A []string parameter takes a typed []string (or a named type over it); an untagged slice of strings too. */
function isStringSlice(value: readonly GoValue[]): boolean {
  const type = taggedType(value);
  return type === undefined ? value.every((v) => typeof v === 'string') : underlying(type) === '[]string';
}

function indexArg(index: GoValue, cap: number): number {
  if (index instanceof GoInt) index = Number(index.value);
  if (index === null || index === undefined) throw new Error('cannot index slice/array with nil');
  if (typeof index !== 'number') throw new Error(`cannot index slice/array with type ${typeName(index)}`);
  if (index < 0 || index > cap) throw new Error(`index out of range: ${index}`);
  return index;
}

function indexOne(item: GoValue, index: GoValue): GoValue {
  if (item === null || item === undefined) throw new Error('index of nil pointer');
  if (typeof item === 'string' || Array.isArray(item)) {
    const list = typeof item === 'string' ? Buffer.from(item, 'utf8') : item;
    const x = indexArg(index, list.length);
    if (x === list.length) throw new Error(`index out of range: ${x}`);
    return list[x] as GoValue;
  }
  if (item instanceof Map) {
    if (index === null || index === undefined) throw new Error('value is nil; should be of type string');
    if (typeof index !== 'string') throw new Error(`value has type ${typeName(index)}; should be string`);
    return item.has(index) ? item.get(index) : mapZero(item);
  }
  throw new Error(`can't index item of type ${typeName(item)}`);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === null || item === undefined) throw new Error('index of untyped nil');
  return indexes.reduce<GoValue>(indexOne, item);
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === null || item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${typeName(item)}`);
  if (typeof item === 'string' && indexes.length === 3) throw new Error('cannot 3-index slice a string');
  const length = typeof item === 'string' ? byteLength(item) : item.length;
  const idx = [0, length, length];
  indexes.forEach((index, i) => {
    idx[i] = indexArg(index, length);
  });
  const [from, to, max] = idx as [number, number, number];
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
  if (indexes.length === 3 && to > max) throw new Error(`invalid slice index: ${to} > ${max}`);
  if (Array.isArray(item)) return item.slice(from, to);
  return Buffer.from(item as string, 'utf8').subarray(from, to).toString('utf8');
}

function length(item: GoValue): number {
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new Error('len of nil pointer');
  if (typeof item === 'string') return byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (item instanceof Map) return item.size;
  if (item instanceof GoChannel) return 0;
  throw new Error(`len of type ${typeName(item)}`);
}

function isGoFunc(value: GoValue): value is GoValue & GoFunc {
  return isStruct(value) && typeof (value as Partial<GoFunc>).call === 'function' && Array.isArray((value as Partial<GoFunc>).params);
}

/** call: the first argument (named `name` in the template) called with the others. */
function call(name: string, fn: GoValue, ...args: GoValue[]): GoValue {
  if (fn === null || fn === undefined) throw new Error('call of nil');
  if (!isGoFunc(fn)) throw new Error(`non-function ${name} of type ${typeName(fn)}`);
  const fixed = fn.params.length;
  if (fn.variadic ? args.length < fixed : args.length !== fixed) {
    throw new Error(`wrong number of args for ${name}: got ${args.length} want ${fn.variadic ? 'at least ' : ''}${fixed}`);
  }
  args.forEach((arg, i) => {
    const type = fn.params[i] ?? fn.variadic ?? 'any';
    if (arg !== null && arg !== undefined && !isAssignable(arg, type)) {
      throw new Error(`arg ${i}: value has type ${typeName(arg)}; should be ${paramTypeName(type)}`);
    }
  });
  return fn.call(...args);
}

/** and/or get the arguments evaluated so far: the engine stops at the first deciding one. */
function firstWithTruth(args: readonly GoValue[], truth: boolean): GoValue {
  const i = args.findIndex((a) => isTrue(a) === truth);
  return args[i < 0 ? args.length - 1 : i];
}
const and = (...args: GoValue[]): GoValue => firstWithTruth(args, false);
const or = (...args: GoValue[]): GoValue => firstWithTruth(args, true);

const value1: readonly ParamType[] = ['value'];
const value2: readonly ParamType[] = ['value', 'value'];

/** The builtins by name; `and`, `or` and `call` get special argument handling in the engine. */
export const BUILTINS: Readonly<Record<string, EngineFunc>> = {
  and: { params: value1, variadic: 'value', call: and },
  or: { params: value1, variadic: 'value', call: or },
  not: { params: value1, call: (v: GoValue) => !isTrue(v) },
  len: { params: value1, call: length },
  index: { params: value1, variadic: 'value', call: index },
  slice: { params: value1, variadic: 'value', call: slice },
  call: { params: value1, variadic: 'value', call },
  print: { params: [], variadic: 'any', call: (...a: GoValue[]) => sprint(a) },
  printf: { params: ['string'], variadic: 'any', call: (f: string, ...a: GoValue[]) => sprintf(f, a) },
  println: { params: [], variadic: 'any', call: (...a: GoValue[]) => sprintln(a) },
  html: { params: [], variadic: 'any', call: html },
  js: { params: [], variadic: 'any', call: js },
  urlquery: { params: [], variadic: 'any', call: urlquery },
  eq: { params: value1, variadic: 'value', call: eq },
  ne: { params: value2, call: ne },
  lt: { params: value2, call: lt },
  le: { params: value2, call: le },
  gt: { params: value2, call: gt },
  ge: { params: value2, call: ge },
};
