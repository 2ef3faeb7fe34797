import { sprintf } from '../../go/print.js';
import { isStruct, typeName } from '../../go/reflect.js';
import { formatFloat } from '../../go/strconv.js';
import { GoChannel, GoFloat, GoInt, GoNil, isNilSlice, JsonNumber, methodOf, taggedType, type GoValue } from '../../go/values.js';

/**
 * go-spew's Sprintf: every operand wrapped in spew's formatter. `%v` (with `+` and `#`) prints
 * spew's way — pointers as `<*>value`, `#` adds `(type)` before each value held in an interface
 * — other verbs print as fmt does, `%T` names the wrapper. Maps keep sorted keys (spew: Go's
 * random order).
 */

/** The wrapper type fmt sees for each operand. */
export const SPEW_WRAPPER = '*spew.formatState';

/** A pseudo address where spew prints a pointer's (Go's differ on every run). */
export const FAKE_POINTER = '0xc000010000';

/** Whether a container's elements are interface values (so `#` shows their types). */
const holdsInterfaces = (container: GoValue): boolean =>
  Array.isArray(container) ? (taggedType(container) ?? '[]interface {}') === '[]interface {}' : (taggedType(container as object) ?? 'map[string]interface {}') === 'map[string]interface {}';

function formatSpew(value: GoValue, flags: { plus: boolean; sharp: boolean }, showType: boolean): string {
  if (value === null || value === undefined) return `${flags.sharp && showType ? '(interface {})' : ''}<nil>`;
  const type = typeName(value);
  if (type.startsWith('*') || value instanceof GoNil) {
    if (value instanceof GoNil) return flags.sharp && showType ? `(${type})<nil>` : '<nil>';
    const head = flags.sharp && showType ? `(${type})` : '<*>';
    return `${head}${flags.plus ? `(${FAKE_POINTER})` : ''}${stringerOf(value) ?? formatFields(value, flags)}`;
  }
  const prefix = flags.sharp && showType ? `(${type})` : '';
  const stringer = stringerOf(value);
  if (stringer !== undefined) return prefix + stringer;
  if (typeof value === 'string') return prefix + value;
  if (value instanceof JsonNumber) return prefix + value.text;
  if (typeof value === 'number' || typeof value === 'boolean') return prefix + String(value);
  if (value instanceof GoInt) return prefix + value.value.toString();
  if (value instanceof GoFloat) return prefix + formatFloat(value.value, 'g', -1);
  if (value instanceof GoChannel) return `${prefix}${FAKE_POINTER}`;
  if (Array.isArray(value)) {
    if (isNilSlice(value)) return `${prefix}<nil>`;
    const inner = holdsInterfaces(value);
    return `${prefix}[${value.map((item: GoValue) => formatSpew(item, flags, inner)).join(' ')}]`;
  }
  if (value instanceof Map) {
    const inner = holdsInterfaces(value);
    const keys = [...value.keys()].sort();
    return `${prefix}map[${keys.map((k) => `${k}:${formatSpew(value.get(k), flags, inner)}`).join(' ')}]`;
  }
  return isStruct(value) ? prefix + formatFields(value, flags) : prefix + String(value);
}

function formatFields(value: GoValue, flags: { plus: boolean; sharp: boolean }): string {
  const struct = value as Readonly<Record<string, GoValue>>;
  return `{${Object.keys(struct).map((k) => `${flags.plus || flags.sharp ? `${k}:` : ''}${formatSpew(struct[k], flags, true)}`).join(' ')}}`;
}

function stringerOf(value: GoValue): string | undefined {
  const method = methodOf(value, 'String');
  return method && method.params.length === 0 ? String(method.call()) : undefined;
}

const DIRECTIVE = /%([-+# 0]*)([0-9]*)(?:\.([0-9]*))?([a-zA-Z%])/g;

/** spew.Sprintf. Formats with argument indexes or `*` widths print as plain fmt. */
export function spewSprintf(format: string, args: readonly GoValue[]): string {
  if (/%[-+# 0]*(\[|[0-9]*\*|[0-9]*\.\*)/.test(format)) return sprintf(format, args, SPEW_WRAPPER);
  const rewritten: GoValue[] = [];
  let next = 0;
  const text = format.replace(DIRECTIVE, (directive, flagText: string, _width, _precision, verb: string) => {
    if (verb === '%') return directive;
    if (next >= args.length) return directive;
    const arg = args[next++];
    if (verb === 'T') return rewritten.push(SPEW_WRAPPER), '%s';
    if (verb !== 'v') return rewritten.push(arg), directive;
    rewritten.push(formatSpew(arg, { plus: flagText.includes('+'), sharp: flagText.includes('#') }, true));
    return '%s';
  });
  return sprintf(text, [...rewritten, ...args.slice(next)], SPEW_WRAPPER);
}
