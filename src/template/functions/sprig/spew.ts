import { formatValue } from '../../go/print.js';
import { compareStrings, isStruct, typeName } from '../../go/reflect.js';
import { quote } from '../../go/strconv.js';
import { GoChannel, GoNil, goFunc, isNilSlice, methodOf, type FuncMap, type GoValue } from '../../go/values.js';
import { FAKE_POINTER, spewSprintf } from './spew-format.js';

/**
 * go-spew's Sdump as consul-template's spew_sdump calls it (default config: one-space indent,
 * Stringers printed through String()). Go gives map keys in random order, spew does not sort
 * them; here they are sorted. A slice's capacity is its length (Go's append may round it up),
 * and a pointer's address a fixed pseudo one.
 */

/** spew's "(len=N cap=M) " header, left out when both are 0. */
function lengths(len: number, cap = 0): string {
  if (len === 0 && cap === 0) return '';
  return `(${[len !== 0 ? `len=${len}` : '', cap !== 0 ? `cap=${cap}` : ''].filter(Boolean).join(' ')}) `;
}

/** A `{ … }` block: one entry a line, commas between, closed at the outer indent. */
const block = (entries: readonly string[], depth: number): string =>
  `{\n${entries.map((entry) => `${' '.repeat(depth + 1)}${entry}`).join(',\n')}${entries.length > 0 ? '\n' : ''}${' '.repeat(depth)}}`;

function dumpValue(value: GoValue, depth: number): string {
  if (value === null || value === undefined) return '(interface {}) <nil>';
  const type = typeName(value);
  const header = `(${type}) `;
  const stringer = methodOf(value, 'String');
  if (stringer && stringer.params.length === 0) {
    const text = formatValue(stringer.call() as GoValue);
    // spew shows a pointer's address before what it points to: "(*T)(0xc…)(text)".
    return type.startsWith('*') ? `(${type})(${FAKE_POINTER})(${text})` : header + text;
  }
  if (typeof value === 'string') return header + lengths(Buffer.byteLength(value)) + quote(value);
  if (value instanceof GoNil || value instanceof GoChannel) return `${header}<nil>`;
  if (Array.isArray(value)) {
    if (isNilSlice(value)) return `${header}<nil>`;
    return header + lengths(value.length, value.length) + block(value.map((item: GoValue) => dumpValue(item, depth + 1)), depth);
  }
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareStrings);
    return header + lengths(value.size) + block(keys.map((k) => `${dumpValue(k, depth + 1)}: ${dumpValue(value.get(k), depth + 1)}`), depth);
  }
  if (isStruct(value)) return header + block(Object.keys(value).map((k) => `${k}: ${dumpValue(value[k], depth + 1)}`), depth);
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
