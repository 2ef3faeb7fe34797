import { GoChannel, GoFloat, GoInt, GoNil, isNilSlice, JsonNumber, methodOf, type GoValue } from '../go/values.js';

/**
 * Go's json.Marshal / MarshalIndent over Go values: map keys sorted, struct fields in order,
 * `<>&` escaped as \u003c… unless escaping is off, float64 in Go's shortest form.
 */
export interface JSONOptions {
  readonly escapeHTML: boolean;
  /** Indent per level (MarshalIndent); empty for compact output. */
  readonly indent: string;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

function escapeChar(c: string, escapeHTML: boolean): string {
  if (c === '"' || c === '\\') return `\\${c}`;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  if (code < 0x20) return `\\u00${code.toString(16).padStart(2, '0')}`;
  if (escapeHTML && HTML_ESCAPES[c]) return HTML_ESCAPES[c]!;
  if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
  if (code >= 0xd800 && code <= 0xdfff && c.length === 1) return '\\ufffd';
  return c;
}

/** A Go JSON string literal. */
export function quoteJSON(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const c of s) out += escapeChar(c, escapeHTML);
  return `${out}"`;
}

function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) {
    throw new Error(`json: unsupported value: ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  }
  // Go writes the sign of negative zero ("-0"); String(-0) drops it.
  return Object.is(f, -0) ? '-0' : String(f);
}

function encodeEntries(entries: [string, GoValue][], opts: JSONOptions, depth: number): string {
  if (entries.length === 0) return '{}';
  const inner = opts.indent.repeat(depth + 1);
  const sep = opts.indent ? ': ' : ':';
  const parts = entries.map(([k, v]) => `${inner}${quoteJSON(k, opts.escapeHTML)}${sep}${encode(v, opts, depth + 1)}`);
  return wrap('{', '}', parts, opts, depth);
}

function wrap(open: string, close: string, parts: string[], opts: JSONOptions, depth: number): string {
  if (!opts.indent) return `${open}${parts.join(',')}${close}`;
  return `${open}\n${parts.join(',\n')}\n${opts.indent.repeat(depth)}${close}`;
}

function encodeArray(values: readonly GoValue[], opts: JSONOptions, depth: number): string {
  if (values.length === 0) return '[]';
  const inner = opts.indent.repeat(depth + 1);
  return wrap('[', ']', values.map((v) => `${inner}${encode(v, opts, depth + 1)}`), opts, depth);
}

function encode(value: GoValue, opts: JSONOptions, depth: number): string {
  if (value === null || value === undefined || value instanceof GoNil) return 'null';
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return quoteJSON(value, opts.escapeHTML);
  if (typeof value === 'number') return encodeFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof GoFloat) return encodeFloat(value.value);
  if (value instanceof GoInt) return value.value.toString();
  if (value instanceof GoChannel) return encodeArray([...value.values], opts, depth);
  if (Array.isArray(value)) return isNilSlice(value) ? 'null' : encodeArray(value, opts, depth);
  if (value instanceof Map) {
    const keys = [...value.keys()].sort();
    return encodeEntries(keys.map((k) => [k, value.get(k)]), opts, depth);
  }
  // A json.Marshaler (time.Time, *semver.Version) writes itself.
  const marshaler = methodOf(value, 'MarshalJSON');
  if (marshaler) return String(marshaler.call());
  return encodeEntries(Object.entries(value) as [string, GoValue][], opts, depth);
}

/** Marshals a Go value as Go's encoding/json does. Throws Go's message for NaN/Inf. */
export function marshalGoJSON(value: GoValue, opts: JSONOptions): string {
  return encode(value, opts, 0);
}
