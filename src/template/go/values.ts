import { JsonNumber } from '../../json-number.js';

export { JsonNumber };

/**
 * How Go values live in JS, for the Go text/template engine and every template function.
 *
 *   Go                         JS
 *   string                     string
 *   bool                       boolean
 *   int                        number (always an integer; Number.isInteger holds)
 *   int64, uint64, uint…       GoInt (a bigint and its type name: consul-template's
 *                                     KeyPair.CreateIndex/Flags are uint64 and print all 20 digits)
 *   float64                    GoFloat (so 81.0 from JSON prints "81" but `%T` says float64,
 *                                       and 1e6 prints "1e+06")
 *   nil (interface, pointer)   null
 *   missing (invalid value)    undefined — printed "<no value>"
 *   slice / array              GoValue[]; a typed slice ([]string, dependency.ServiceTags…)
 *                              carries its type under GO_TYPE_NAME (goSlice), else []interface {}
 *   map[string]T               Map<string, GoValue> (printed with sorted keys); a typed map
 *                              (map[string]string…) carries its type and element zero value
 *                              (goMap), which `index` of a missing key returns; else
 *                              map[string]interface {} (zero: nil)
 *   struct                     a plain object; fields in declaration order (Object.keys order).
 *                              Its Go type name, when `%T` or printing needs it, is under
 *                              GO_TYPE_NAME.
 *   channel (consul-template `loop`)  GoChannel: a sync iterable `range` drains
 *   json.Number (Vault data)   JsonNumber: a string kind that keeps the number's JSON text
 *   typed nil pointer          GoNil
 *
 * Numbers from JSON/YAML parsing are float64, as in Go: use `fromJSON` to convert parsed data.
 */
export class GoFloat {
  constructor(readonly value: number) {}
}

/**
 * A typed nil pointer (consul-template's `secret` before its data arrives is a nil
 * `*dependency.Secret`; a secret's absent `.Auth` a nil `*dependency.SecretAuth`). It prints
 * `<nil>` and, unlike an untyped nil, dereferencing it is an error Go names with its type.
 */
export class GoNil {
  constructor(readonly typeName: string) {}
}

/** An integer of a Go type other than `int` (int64, uint64…), exact beyond 2^53. */
export class GoInt {
  constructor(
    readonly value: bigint,
    readonly type: string,
  ) {}
}

export class GoChannel {
  constructor(readonly values: Iterable<GoValue>) {}
}

export const GO_TYPE_NAME: unique symbol = Symbol('goTypeName');

/**
 * Methods of a value (consul-template's `*Scratch`, confd's `time.Time`): a struct carries them
 * under GO_METHODS, and `.Name args` calls one before looking for a field, as Go does.
 */
export const GO_METHODS: unique symbol = Symbol('goMethods');

/** The zero value of a typed map's element type, for `index` of a missing key. */
export const GO_MAP_ZERO: unique symbol = Symbol('goMapZero');

/** Tags a slice with its Go type (`[]string`, `dependency.ServiceTags`); returns the same array. */
export function goSlice<T extends GoValue[]>(type: string, items: T): T {
  Object.defineProperty(items, GO_TYPE_NAME, { value: type, enumerable: false });
  return items;
}

/** A map of Go type `type` (`map[string]string`) whose missing keys index as `zero`. */
export function goMap(type: string, zero: () => GoValue, entries: Iterable<readonly [string, GoValue]> = []): Map<string, GoValue> {
  const map = new Map<string, GoValue>(entries as Iterable<[string, GoValue]>);
  Object.defineProperty(map, GO_TYPE_NAME, { value: type, enumerable: false });
  Object.defineProperty(map, GO_MAP_ZERO, { value: zero, enumerable: false });
  return map;
}

/** Marks a nil slice: printed `[]` like an empty one, but JSON `null` and spew's `<nil>`. */
export const GO_NIL_SLICE: unique symbol = Symbol('goNilSlice');

/** A nil slice of Go type `type` (`[]string`, `[]interface {}`). */
export function nilSlice(type: string): GoValue[] {
  const items = goSlice(type, []);
  Object.defineProperty(items, GO_NIL_SLICE, { value: true, enumerable: false });
  return items;
}

/** Whether a slice is nil rather than empty. */
export function isNilSlice(value: readonly GoValue[]): boolean {
  return (value as { [GO_NIL_SLICE]?: boolean })[GO_NIL_SLICE] === true;
}

/** The Go type a slice or map was tagged with, if any. */
export function taggedType(value: object): string | undefined {
  return (value as { [GO_TYPE_NAME]?: string })[GO_TYPE_NAME];
}

/** The value `index` gives for a key a map lacks: its element type's zero (nil for interface{}). */
export function mapZero(map: ReadonlyMap<string, GoValue>): GoValue {
  const zero = (map as { [GO_MAP_ZERO]?: () => GoValue })[GO_MAP_ZERO];
  return zero ? zero() : null;
}

/** Returns the method `name` of a value, or undefined when it has none by that name. */
export function methodOf(value: GoValue, name: string): GoFunc | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const methods = (value as { [GO_METHODS]?: Readonly<Record<string, GoFunc>> })[GO_METHODS];
  return methods && Object.hasOwn(methods, name) ? methods[name] : undefined;
}

export interface GoStruct {
  readonly [field: string]: GoValue;
  readonly [GO_TYPE_NAME]?: string;
}

export type GoValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | GoFloat
  | GoInt
  | GoChannel
  | JsonNumber
  | GoNil
  | readonly GoValue[]
  | ReadonlyMap<string, GoValue>
  | GoStruct;

/** Parameter types a template function declares, checked as Go's reflect-based call does. */
export type GoParamType =
  | 'string'
  | 'int'
  | 'float64'
  | 'bool'
  | 'any' // interface{}
  | '[]string'
  | '[]any'
  | 'map' // map[string]interface{}
  | 'uint32'
  | 'time.Time' // sprig's date functions
  | 'sprig.certificate'; // sprig's genSignedCert

/**
 * A function callable from a template. `call` throws to report the (value, error) error return;
 * the engine then stops with `error calling NAME: <message>`. Arity and types are checked before
 * the call, with Go's messages (`wrong number of args for F: want 1 got 2`).
 */
export interface GoFunc {
  readonly params: readonly GoParamType[];
  /** Type of the `...rest` parameter, when the function is variadic. */
  readonly variadic?: GoParamType;
  readonly call: (...args: GoValue[]) => GoValue;
}

export type FuncMap = Readonly<Record<string, GoFunc>>;

/** Declares a template function: `goFunc(['string', 'int'], (s, n) => …)`. */
export function goFunc(
  params: readonly GoParamType[],
  call: (...args: any[]) => GoValue,
  variadic?: GoParamType,
): GoFunc {
  return variadic ? { params, call, variadic } : { params, call };
}

/** Converts parsed JSON/YAML data to Go values: numbers become float64, objects maps. */
export function fromJSON(value: unknown): GoValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return new GoFloat(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromJSON);
  if (typeof value === 'object') {
    const map = new Map<string, GoValue>();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) map.set(k, fromJSON(v));
    return map;
  }
  return String(value);
}
