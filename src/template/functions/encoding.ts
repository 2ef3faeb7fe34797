import { createHash, createHmac } from 'node:crypto';
import { fromJSON, goFunc, type FuncMap, type GoValue } from '../go/values.js';
import { decodeStdBase64, decodeUrlBase64, encodeStdBase64, encodeUrlBase64 } from './base64.js';
import { marshalGoJSON } from './json-encode.js';
import { jsonKind, parseGoJSON } from './json-scan.js';
import { toGoTOML } from './toml-encode.js';
import { parseGoYAML, toGoYAML } from './yaml-toml.js';

/** Encoding functions: base64, JSON, YAML, TOML, hashes. */

/** Prefixes an error's message as Go's errors.Wrap(err, context) does. */
export function wrapError(context: string, fn: () => GoValue): GoValue {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${context}: ${(err as Error).message}`);
  }
}

const unmarshalError = (kind: string, type: string) =>
  new Error(`json: cannot unmarshal ${kind} into Go value of type ${type}`);

/** confd's json: a JSON object as map[string]interface{} (null → empty map). */
export function jsonObject(text: string): GoValue {
  const value = parseGoJSON(text);
  if (value === null) return new Map();
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw unmarshalError(jsonKind(value), 'map[string]interface {}');
  }
  return fromJSON(value);
}

/** confd's jsonArray: a JSON array as []interface{} (null → empty slice). */
export function jsonArray(text: string): GoValue {
  const value = parseGoJSON(text);
  if (value === null) return [];
  if (!Array.isArray(value)) throw unmarshalError(jsonKind(value), '[]interface {}');
  return fromJSON(value);
}

/** consul-template's parseJSON: any JSON value ("" → empty map). */
export function parseJSON(text: string): GoValue {
  if (text === '') return new Map();
  return fromJSON(parseGoJSON(text));
}

function jsonFunc(name: string, escapeHTML: boolean, indent: string) {
  return goFunc(['any'], (value: GoValue) => wrapError(name, () => marshalGoJSON(value, { escapeHTML, indent })));
}

function hashFuncs(): FuncMap {
  return {
    sha256Hex: goFunc(['string'], (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')),
    md5sum: goFunc(['string'], (s: string) => createHash('md5').update(s, 'utf8').digest('hex')),
    hmacSHA256Hex: goFunc(['string', 'string'], (message: string, key: string) =>
      createHmac('sha256', key).update(message, 'utf8').digest('hex'),
    ),
  };
}

/** confd's base64 pair (errors unwrapped). */
export function confdBase64Funcs(): FuncMap {
  return {
    base64Encode: goFunc(['string'], encodeStdBase64),
    base64Decode: goFunc(['string'], decodeStdBase64),
  };
}

/** consul-template's base64 functions (errors wrapped with the function name). */
export function consulBase64Funcs(): FuncMap {
  return {
    base64Encode: goFunc(['string'], encodeStdBase64),
    base64Decode: goFunc(['string'], (s: string) => wrapError('base64Decode', () => decodeStdBase64(s))),
  };
}

/** The encoding functions every flavor has (base64 comes per flavor). */
export function encodingFuncs(): FuncMap {
  return {
    base64URLEncode: goFunc(['string'], encodeUrlBase64),
    base64URLDecode: goFunc(['string'], (s: string) => wrapError('base64URLDecode', () => decodeUrlBase64(s))),
    json: goFunc(['string'], jsonObject),
    jsonArray: goFunc(['string'], jsonArray),
    parseJSON: goFunc(['string'], parseJSON),
    parseYAML: goFunc(['string'], parseGoYAML),
    toJSON: jsonFunc('toJSON', true, ''),
    toJSONPretty: jsonFunc('toJSONPretty', true, '  '),
    toUnescapedJSON: jsonFunc('toUnescapedJSON', false, ''),
    toUnescapedJSONPretty: jsonFunc('toUnescapedJSONPretty', false, '  '),
    toYAML: goFunc(['any'], (value: GoValue) => wrapError('toYAML', () => toGoYAML(value))),
    toTOML: goFunc(['any'], (value: GoValue) => wrapError('toTOML', () => toGoTOML(value))),
    ...hashFuncs(),
  };
}
