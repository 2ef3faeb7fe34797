import { goFunc, goSlice, type FuncMap } from '../go/values.js';
import { goTitle, goToLower, goToUpper } from './go-case.js';
import { basePath, dirPath } from './go-path.js';
import { compileGoRegexp } from './regexp.js';

/** String functions of Go's strings package as confd and consul-template expose them. */

/** strings.Split: "" separator splits into runes; an empty string gives [""]. */
export function goSplit(s: string, sep: string): string[] {
  return goSlice('[]string', sep === '' ? Array.from(s) : s.split(sep));
}

/** strings.Replace: the first n (all when n < 0) non-overlapping `old` replaced. */
export function goReplace(s: string, old: string, repl: string, n: number): string {
  if (old === repl || n === 0) return s;
  if (old === '') {
    const runes = Array.from(s);
    const limit = n < 0 ? runes.length + 1 : Math.min(n, runes.length + 1);
    return runes.map((r, i) => (i < limit ? repl : '') + r).join('') + (limit > runes.length ? repl : '');
  }
  let out = '';
  let from = 0;
  for (let count = 0; n < 0 || count < n; count++) {
    const at = s.indexOf(old, from);
    if (at === -1) break;
    out += s.slice(from, at) + repl;
    from = at + old.length;
  }
  return out + s.slice(from);
}

/** Go's unicode.IsSpace set, which differs from JS's \s (U+0085 yes, U+FEFF no). */
export const SPACE_CLASS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\p{Z}]';
const LEADING_SPACE = new RegExp(`^${SPACE_CLASS}+`, 'u');
const TRAILING_SPACE = new RegExp(`${SPACE_CLASS}+$`, 'u');

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/** strings.Trim: leading and trailing runes found in `cutset` removed. */
export function trimCutset(s: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const runes = Array.from(s);
  let start = 0;
  let end = runes.length;
  while (start < end && cut.has(runes[start]!)) start++;
  while (end > start && cut.has(runes[end - 1]!)) end--;
  return runes.slice(start, end).join('');
}

const trimPrefix = (s: string, prefix: string) => (prefix !== '' && s.startsWith(prefix) ? s.slice(prefix.length) : s);
const trimSuffix = (s: string, suffix: string) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s);

/** consul-template's indent: prefixes every non-empty line start with `spaces` spaces. */
export function indent(spaces: number, s: string): string {
  if (spaces < 0) throw new Error('indent value must be a positive integer');
  const prefix = ' '.repeat(spaces);
  return s.replace(/(^|\n)(?=[^\n])/g, `$1${prefix}`);
}

/** The confd fork's indent: pads every line, blank ones too; "" stays ""; negative counts as 0. */
export function padLines(spaces: number, s: string): string {
  if (s === '') return '';
  const pad = ' '.repeat(Math.max(spaces, 0));
  return pad + s.replaceAll('\n', `\n${pad}`);
}

/** consul-template's splitToMap: "a=1,b=2" → map (pairs without sep2 skipped). */
export function splitToMap(sep1: string, sep2: string, s: string): ReadonlyMap<string, string> {
  const trimmed = trimSpace(s);
  const map = new Map<string, string>();
  if (trimmed === '') return map;
  for (const item of goSplit(trimmed, sep1)) {
    const at = sep2 === '' ? 0 : item.indexOf(sep2);
    if (at === -1) continue;
    map.set(item.slice(0, at), item.slice(at + sep2.length));
  }
  return map;
}

/** consul-template's split: pipe-friendly, trims, "" → []. */
export function splitPiped(sep: string, s: string): string[] {
  const trimmed = trimSpace(s);
  return trimmed === '' ? goSlice('[]string', []) : goSplit(trimmed, sep);
}

/** String functions with one meaning in both flavors. */
export function stringFuncs(): FuncMap {
  return {
    base: goFunc(['string'], basePath),
    dir: goFunc(['string'], dirPath),
    toUpper: goFunc(['string'], goToUpper),
    toLower: goFunc(['string'], goToLower),
    toTitle: goFunc(['string'], goTitle),
    trimSpace: goFunc(['string'], trimSpace),
    trim: goFunc(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
    replace: goFunc(['string', 'string', 'string', 'int'], goReplace),
    replaceAll: goFunc(['string', 'string', 'string'], (f: string, t: string, s: string) => goReplace(s, f, t, -1)),
    regexMatch: goFunc(['string', 'string'], (re: string, s: string) => compileGoRegexp(re).matchString(s)),
    splitToMap: goFunc(['string', 'string', 'string'], splitToMap),
  };
}

/**
 * confd's argument order: `split s sep`, `join list sep`, `contains s sub`, `trimSuffix s suffix`;
 * from the confd fork (abtreece/confd 0.41): `trimPrefix s prefix`, `regexReplaceAll re s repl`,
 * and `indent` that pads blank lines too.
 */
export function confdStringFuncs(): FuncMap {
  return {
    split: goFunc(['string', 'string'], goSplit),
    join: goFunc(['[]string', 'string'], (list: string[], sep: string) => list.join(sep)),
    contains: goFunc(['string', 'string'], (s: string, sub: string) => s.includes(sub)),
    trimSuffix: goFunc(['string', 'string'], trimSuffix),
    trimPrefix: goFunc(['string', 'string'], trimPrefix),
    regexReplaceAll: goFunc(['string', 'string', 'string'], (re: string, s: string, repl: string) => compileGoRegexp(re).replaceAllString(s, repl)),
    indent: goFunc(['int', 'string'], padLines),
  };
}

/**
 * consul-template's pipe-friendly order: `split sep s`, `join sep list`, `trimSuffix suffix s`,
 * `trimPrefix prefix s`, `regexReplaceAll re repl s`; its `indent` skips blank lines.
 */
export function consulStringFuncs(): FuncMap {
  return {
    split: goFunc(['string', 'string'], splitPiped),
    join: goFunc(['string', '[]string'], (sep: string, list: string[]) => list.join(sep)),
    trimSuffix: goFunc(['string', 'string'], (suffix: string, s: string) => trimSuffix(s, suffix)),
    trimPrefix: goFunc(['string', 'string'], (prefix: string, s: string) => trimPrefix(s, prefix)),
    regexReplaceAll: goFunc(['string', 'string', 'string'], (re: string, pl: string, s: string) => compileGoRegexp(re).replaceAllString(s, pl)),
    indent: goFunc(['int', 'string'], indent),
  };
}
