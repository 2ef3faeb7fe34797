/**
 * What Go's reflect tells text/template about a value, in the JS value model of values.ts:
 * its type name, kind, truth and whether it is a struct.
 */
import { GoChannel, GoFloat, GoInt, GoNil, JsonNumber, GO_TYPE_NAME, taggedType, type GoStruct, type GoValue } from './values.js';

/** A struct value: any plain object that is not one of the model's classes. */
export function isStruct(value: GoValue): value is GoStruct {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map) &&
    !(value instanceof GoFloat) && !(value instanceof GoChannel) && !(value instanceof JsonNumber) && !(value instanceof GoNil) && !(value instanceof GoInt)
  );
}

/** reflect.Type.String() of a non-nil value: `int`, `float64`, `[]interface {}`, `map[string]interface {}`… */
export function typeName(value: GoValue): string {
  switch (typeof value) {
    case 'string': return 'string';
    case 'number': return 'int';
    case 'boolean': return 'bool';
  }
  if (value === null || value === undefined) return 'interface {}';
  if (value instanceof GoFloat) return 'float64';
  if (value instanceof GoInt) return value.type;
  if (value instanceof GoChannel) return 'chan interface {}';
  if (value instanceof JsonNumber) return 'json.Number';
  if (value instanceof GoNil) return value.typeName;
  if (Array.isArray(value)) return taggedType(value) ?? '[]interface {}';
  if (value instanceof Map) return taggedType(value) ?? 'map[string]interface {}';
  return (value as GoStruct)[GO_TYPE_NAME] ?? 'struct {}';
}

/** Go's isTrue: false for zero values, nil and empty collections; structs are always true. */
export function isTrue(value: GoValue): boolean {
  switch (typeof value) {
    case 'string': return value.length > 0;
    case 'number': return value !== 0;
    case 'boolean': return value;
    case 'undefined': return false;
  }
  if (value === null) return false;
  if (value instanceof GoFloat) return value.value !== 0;
  if (value instanceof JsonNumber) return value.text.length > 0;
  if (value instanceof GoNil) return false;
  if (value instanceof GoInt) return value.value !== 0n;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/** Compares strings as Go does: by UTF-8 bytes, which differs from UTF-16 order only above U+D7FF. */
export function compareStrings(a: string, b: string): number {
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's `len` of a string: its UTF-8 byte count. */
export function byteLength(s: string): number {
  return /^[\x00-\x7f]*$/.test(s) ? s.length : Buffer.byteLength(s, 'utf8');
}
