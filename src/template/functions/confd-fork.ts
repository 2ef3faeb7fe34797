import { createHash } from 'node:crypto';
import { compareStrings, isStruct, isTrue, typeName } from '../go/reflect.js';
import { quote } from '../go/strconv.js';
import { fromJSON, goFunc, goSlice, type FuncMap, type GoValue } from '../go/values.js';
import { createMap } from './collections.js';
import { hostFuncs } from './host.js';
import { marshalGoJSON } from './json-encode.js';
import { parseGoJSON } from './json-scan.js';
import { compileGoRegexp } from './regexp.js';
import { goToLower as toLower, goToUpper as toUpper } from './go-case.js';
import { padLines, SPACE_CLASS } from './strings.js';

/**
 * The helpers the maintained confd fork (abtreece/confd 0.41, pkg/template/utility_funcs.go)
 * added: defaults, JSON, formatting, case conversion, lists and maps, sha256sum, and its host
 * functions. Its `indent`, `trimPrefix` and `regexReplaceAll` differ from consul-template's and
 * live with the flavored string functions (strings.ts).
 */

/**
 * The fork's isEmpty: nil, a zero number, false, an empty string, slice or map; a struct value
 * whose fields are all zero (reflect.IsZero). A pointer (a `*T` struct) or channel is not empty,
 * nor is a value that shows no fields here (confd's `datetime`, a time.Time, is never zero).
 */
export function isEmpty(value: GoValue): boolean {
  if (isStruct(value) && !typeName(value).startsWith('*')) {
    const fields = Object.values(value);
    return fields.length > 0 && fields.every((field) => isEmpty(field));
  }
  return !isTrue(value);
}

/** The fork's splitWords: words end at `_`, `-`, space, a lower→upper step, or before the last capital of a run ("HTTPServer"). */
function splitWords(s: string): string[] {
  const runes = Array.from(s);
  const words: string[] = [];
  let current = '';
  for (let i = 0; i < runes.length; i++) {
    const r = runes[i]!;
    if (r === '_' || r === '-' || r === ' ') {
      if (current !== '') words.push(current);
      current = '';
      continue;
    }
    if (current !== '' && isUpper(r) && ((i + 1 < runes.length && isLower(runes[i + 1]!)) || !isUpper(runes[i - 1]!))) {
      words.push(current);
      current = '';
    }
    current += r;
  }
  if (current !== '') words.push(current);
  return words;
}

const isUpper = (r: string) => /^\p{Lu}$/u.test(r);
const isLower = (r: string) => /^\p{Ll}$/u.test(r);

function capitalize(word: string): string {
  const [first = '', ...rest] = Array.from(toLower(word));
  return toUpper(first) + rest.join('');
}

const SPACES = new RegExp(SPACE_CLASS, 'gu');

function sortedKeys(m: ReadonlyMap<string, GoValue>): string[] {
  return goSlice('[]string', [...m.keys()].sort(compareStrings));
}

export function confdForkFuncs(): FuncMap {
  const words = (join: string, shape: (word: string, i: number) => string) =>
    goFunc(['string'], (s: string) => splitWords(s).map(shape).join(join));
  return {
    default: goFunc(['any', 'any'], (fallback: GoValue, value: GoValue) => (isEmpty(value) ? fallback : value)),
    ternary: goFunc(['any', 'any', 'bool'], (yes: GoValue, no: GoValue, condition: boolean) => (condition ? yes : no)),
    coalesce: goFunc([], (...values: GoValue[]) => values.find((v) => !isEmpty(v)) ?? null, 'any'),
    empty: goFunc(['any'], isEmpty),
    toJson: goFunc(['any'], (value: GoValue) => marshalGoJSON(value, { escapeHTML: true, indent: '' })),
    toPrettyJson: goFunc(['any'], (value: GoValue) => marshalGoJSON(value, { escapeHTML: true, indent: '  ' })),
    fromJson: goFunc(['string'], (text: string) => fromJSON(parseGoJSON(text))),
    nindent: goFunc(['int', 'string'], (spaces: number, s: string) => `\n${padLines(spaces, s)}`),
    quote: goFunc(['string'], (s: string) => quote(s)),
    squote: goFunc(['string'], (s: string) => `'${s.replaceAll("'", "''")}'`),
    regexFind: goFunc(['string', 'string'], (re: string, s: string) => compileGoRegexp(re).findString(s)),
    repeat: goFunc(['int', 'string'], (count: number, s: string) => (count <= 0 ? '' : s.repeat(count))),
    nospace: goFunc(['string'], (s: string) => s.replace(SPACES, '')),
    snakecase: words('_', toLower),
    kebabcase: words('-', toLower),
    camelcase: words('', (word, i) => (i === 0 ? toLower(word) : capitalize(word))),
    dict: goFunc([], createMap, 'any'),
    list: goFunc([], (...values: GoValue[]) => values, 'any'),
    hasKey: goFunc(['map', 'string'], (m: ReadonlyMap<string, GoValue>, key: string) => m.has(key)),
    keys: goFunc(['map'], sortedKeys),
    values: goFunc(['map'], (m: ReadonlyMap<string, GoValue>) => sortedKeys(m).map((key) => m.get(key))),
    append: goFunc(['[]any', 'any'], (list: readonly GoValue[], value: GoValue) => [...list, value]),
    pluck: goFunc(
      ['string'],
      (key: string, ...maps: ReadonlyMap<string, GoValue>[]) => maps.filter((m) => m.has(key)).map((m) => m.get(key)),
      'map',
    ),
    sha256sum: goFunc(['string'], (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')),
    ...hostFuncs(),
  };
}
