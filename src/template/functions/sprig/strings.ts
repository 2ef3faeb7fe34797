import { quote as goQuote } from '../../go/strconv.js';
import { sprint } from '../../go/print.js';
import { compareStrings } from '../../go/reflect.js';
import { goFunc, goMap, goSlice, GoInt, type FuncMap, type GoValue } from '../../go/values.js';
import { goReplace, goSplit, trimCutset, trimSpace } from '../strings.js';
import { goTitle as toTitle, goToLower as toLower, goToUpper as toUpper } from '../go-case.js';
import { fromBytes, sliceBytes, toBytes } from './bytes.js';
import { camelCase, kebabCase, snakeCase } from './case.js';
import { strslice, strval } from './cast.js';
import { abbreviate, deleteWhiteSpace, initials, swapCase, uncapitalize, wrapCustom } from './goutils.js';

/** sprig's string functions (strings.go and the string entries of its function map). */

function substr(start: number, end: number, s: string): string {
  const bytes = toBytes(s);
  if (start < 0) return fromBytes(sliceBytes(bytes, 0, end));
  if (end < 0 || end > bytes.length) return fromBytes(sliceBytes(bytes, start));
  return fromBytes(sliceBytes(bytes, start, end));
}

function trunc(c: number, s: string): string {
  const bytes = toBytes(s);
  if (c < 0 && bytes.length + c > 0) return fromBytes(bytes.slice(bytes.length + c));
  if (c >= 0 && bytes.length > c) return fromBytes(bytes.slice(0, c));
  return s;
}

/** strconv.Atoi with its error ignored: 0 for malformed input, clamped when out of range. */
function atoi(s: string): GoValue {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0;
  const value = BigInt(s);
  const clamped = value > 2n ** 63n - 1n ? 2n ** 63n - 1n : value < -(2n ** 63n) ? -(2n ** 63n) : value;
  return Number.isSafeInteger(Number(clamped)) ? Number(clamped) : new GoInt(clamped, 'int');
}

/** strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const all = goSplit(s, sep);
  if (n < 0 || all.length <= n) return all;
  if (sep === '') return [...all.slice(0, n - 1), all.slice(n - 1).join('')];
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

/** sprig's split/splitn: a map[string]string keyed "_0", "_1"… */
const indexedParts = (parts: readonly string[]): Map<string, GoValue> =>
  goMap('map[string]string', () => '', parts.map((part, i) => [`_${i}`, part] as const));

function repeat(count: number, s: string): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  return s.repeat(count);
}

function sortAlpha(list: GoValue): string[] {
  if (!Array.isArray(list)) return goSlice('[]string', [strval(list)]);
  return goSlice('[]string', [...strslice(list)].sort(compareStrings));
}

const shuffle = (s: string): string => {
  const runes = Array.from(s);
  for (let i = runes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [runes[i], runes[j]] = [runes[j]!, runes[i]!];
  }
  return runes.join('');
};

const nonNil = (values: readonly GoValue[]) => values.filter((v) => v !== null && v !== undefined);
const indent = (spaces: number, s: string): string => {
  const pad = repeat(spaces, ' ');
  return pad + s.replaceAll('\n', `\n${pad}`);
};

export function stringFuncs(): FuncMap {
  return {
    hello: goFunc([], () => 'Hello!'),
    abbrev: goFunc(['int', 'string'], (width: number, s: string) => (width < 4 ? s : abbreviate(s, 0, width))),
    abbrevboth: goFunc(['int', 'int', 'string'], (left: number, right: number, s: string) =>
      right < 4 || (left > 0 && right < 7) ? s : abbreviate(s, left, right),
    ),
    trunc: goFunc(['int', 'string'], trunc),
    trim: goFunc(['string'], trimSpace),
    upper: goFunc(['string'], toUpper),
    lower: goFunc(['string'], toLower),
    title: goFunc(['string'], toTitle),
    untitle: goFunc(['string'], uncapitalize),
    substr: goFunc(['int', 'int', 'string'], substr),
    repeat: goFunc(['int', 'string'], repeat),
    trimall: goFunc(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
    trimAll: goFunc(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
    trimSuffix: goFunc(['string', 'string'], (suffix: string, s: string) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s)),
    trimPrefix: goFunc(['string', 'string'], (prefix: string, s: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
    nospace: goFunc(['string'], deleteWhiteSpace),
    initials: goFunc(['string'], initials),
    swapcase: goFunc(['string'], swapCase),
    shuffle: goFunc(['string'], shuffle),
    snakecase: goFunc(['string'], snakeCase),
    camelcase: goFunc(['string'], camelCase),
    kebabcase: goFunc(['string'], kebabCase),
    wrap: goFunc(['int', 'string'], (width: number, s: string) => wrapCustom(s, width, '', false)),
    wrapWith: goFunc(['int', 'string', 'string'], (width: number, sep: string, s: string) => wrapCustom(s, width, sep, true)),
    contains: goFunc(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
    hasPrefix: goFunc(['string', 'string'], (prefix: string, s: string) => s.startsWith(prefix)),
    hasSuffix: goFunc(['string', 'string'], (suffix: string, s: string) => s.endsWith(suffix)),
    quote: goFunc([], (...values: GoValue[]) => nonNil(values).map((v) => goQuote(strval(v))).join(' '), 'any'),
    squote: goFunc([], (...values: GoValue[]) => nonNil(values).map((v) => `'${sprint([v])}'`).join(' '), 'any'),
    cat: goFunc([], (...values: GoValue[]) => nonNil(values).map((v) => sprint([v])).join(' '), 'any'),
    indent: goFunc(['int', 'string'], indent),
    nindent: goFunc(['int', 'string'], (spaces: number, s: string) => `\n${indent(spaces, s)}`),
    replace: goFunc(['string', 'string', 'string'], (old: string, repl: string, s: string) => goReplace(s, old, repl, -1)),
    plural: goFunc(['string', 'string', 'int'], (one: string, many: string, count: number) => (count === 1 ? one : many)),
    toString: goFunc(['any'], strval),
    atoi: goFunc(['string'], atoi),
    split: goFunc(['string', 'string'], (sep: string, s: string) => indexedParts(goSplit(s, sep))),
    splitList: goFunc(['string', 'string'], (sep: string, s: string) => goSplit(s, sep)),
    splitn: goFunc(['string', 'int', 'string'], (sep: string, n: number, s: string) => indexedParts(splitN(s, sep, n))),
    toStrings: goFunc(['any'], strslice),
    join: goFunc(['string', 'any'], (sep: string, v: GoValue) => strslice(v).join(sep)),
    sortAlpha: goFunc(['any'], sortAlpha),
  };
}
