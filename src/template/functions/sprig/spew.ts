import { spewSprintf } from './spew-format.js';
import { quote } from '../../go/strconv.js';
import { isStruct, typeName } from '../../go/reflect.js';
import { formatValue } from '../../go/print.js';
import { compareStrings } from '../../go/reflect.js';
import { GoChannel, GoNil, GO_METHODS, goFunc, isNilSlice, methodOf, type FuncMap, type GoValue } from '../../go/values.js';

/**
 * go-spew's Sdump as consul-template's spew_sdump calls it (default config: one-space indent,
 * Stringers printed through String()). Go gives map keys in random order, spew does not sort
 * them; here they are sorted. A slice's capacity is its length (Go's append may round it up).
 */

/** spew's "(len=N cap=M) " header, left out when both are 0. */
/** A pseudo address where spew prints a pointer's (Go's differ on every run). */
const FAKE_POINTER = '0xc000010000';

function lengths(len: number, cap?: number): string {
  if (len === 0 && !cap) return '';
  const parts = [len !== 0 ? `len=${len}` : '', cap ? `cap=${cap}` : ''].filter(Boolean);
  return `(${parts.join(' ')}) `;
}

function dumpValue(value: GoValue, depth: number): string {
  if (value === null || value === undefined) return '(interface {}) <nil>';
  const header = `(${typeName(value)}) `;
  const stringer = methodOf(value, 'String');
  // spew shows a pointer's address before what it points to: "(*T)(0xc…)(text)".
  if (stringer && stringer.params.length === 0 && typeName(value).startsWith('*')) return `(${typeName(value)})(${FAKE_POINTER})(${formatValue(stringer.call() as GoValue)})`;
  if (stringer && stringer.params.length === 0) return header + formatValue(stringer.call() as GoValue);
  if (typeof value === 'string') return header + lengths(Buffer.byteLength(value)) + quote(value);
  if (value instanceof GoNil) return `${header}<nil>`;
  if (value instanceof GoChannel) return `${header}<nil>`;
  const pad = ' '.repeat(depth + 1);
  const close = `${' '.repeat(depth)}}`;
  if (Array.isArray(value) && isNilSlice(value)) return `${header}<nil>`;
  if (Array.isArray(value)) {
    const items = value.map((item: GoValue) => pad + dumpValue(item, depth + 1));
    return `${header}${lengths(value.length, value.length)}{\n${items.map((line) => `${line},\n`).join('').replace(/,\n$/, '\n')}${close}`;
  }
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareStrings);
    const items = keys.map((k) => `${pad}${dumpValue(k, depth + 1)}: ${dumpValue(value.get(k), depth + 1)}`);
    return `${header}${lengths(value.size)}{\n${items.map((line) => `${line},\n`).join('').replace(/,\n$/, '\n')}${close}`;
  }
  if (isStruct(value) && !(GO_METHODS in value && Object.keys(value).length === 0)) {
    const fields = Object.keys(value).map((k) => `${pad}${k}: ${dumpValue(value[k], depth + 1)}`);
    return `${header}{\n${fields.map((line) => `${line},\n`).join('').replace(/,\n$/, '\n')}${close}`;
  }
  return header + formatValue(value);
}

/** spew.Sdump: each argument dumped on its own line. */
export function sdump(...args: GoValue[]): string {
  return args.map((arg) => `${dumpValue(arg, 0)}\n`).join('');
}

export function spewFuncs(): FuncMap {
  return {
    spew_sdump: goFunc([], sdump, 'any'),
    spew_sprintf: goFunc(['string'], (format: string, ...args: GoValue[]) => spewSprintf(format, args), 'any'),
    // consul-template's spew_dump and spew_printf write to its own stdout and render "".
    spew_dump: goFunc([], (...args: GoValue[]) => (process.stdout.write(sdump(...args)), ''), 'any'),
    spew_printf: goFunc(['string'], (format: string, ...args: GoValue[]) => (process.stdout.write(spewSprintf(format, args)), ''), 'any'),
  };
}
