import { quote } from '../../src/template/go/strconv.js';
import { Random } from './random.js';

/**
 * Random templates over the deterministic sprig_* functions: each a pipeline of one to three
 * calls whose arguments are literals of every kind (strings with Unicode and separators, ints,
 * floats, bools, nil, lists and dicts), so argument conversions, errors and printing all show.
 */

const STRINGS = ['', 'a', 'héllo wörld', '^[a-z]+$', '(o+)', '1.x', '>=1.0, <2', '95', '1h30m', 'https://u:p@h.io:81/p%20q?x=1#f', '2006-01-02', '2021-03-04', 'Jan 2 15:04', '-90m', '{"a":[1,{"b":null}]}', 'wHaT eVeR', 'Hello World', 'a,b,,c', '  x  ', '42', '-7', '3.50', '0x1F', '1e3', 'true', 'snake_case-Mixed Words', 'ab$cd$ef', '日本語', 'line1\nline2', '<&>', '1.2.3', 'v2.0.0-rc.1'];
const INTS = ['0', '1', '2', '3', '-1', '-4', '7', '100'];
const FLOATS = ['0.5', '1.5', '-2.25', '3.0', '1e3', '0.1'];

/** A literal of kind `kind`: s string, i int, f float, b bool, l list, d dict, a any of them (or nil). */
function literal(rng: Random, kind: string): string {
  switch (kind) {
    case 's': return quote(rng.pick(STRINGS));
    case 'i': return rng.pick(INTS);
    case 'f': return rng.pick(FLOATS);
    case 'b': return rng.pick(['true', 'false']);
    case 'l': return `(sprig_list ${Array.from({ length: rng.int(0, 3) }, () => literal(rng, rng.pick(['s', 's', 'i', 'f']))).join(' ')})`;
    case 'd': return `(sprig_dict ${Array.from({ length: rng.int(0, 2) }, () => `${quote(rng.pick(['a', 'b', 'k']))} ${literal(rng, rng.pick(['s', 'i', 'l']))}`).join(' ')})`;
    default: return rng.chance(0.05) ? 'nil' : literal(rng, rng.pick(['s', 's', 'i', 'f', 'b', 'l', 'd']));
  }
}

/**
 * Function names and their parameters' kinds (see literal); the piped value is the last
 * argument. A few calls in ten get an argument of any kind, to exercise conversions and errors.
 */
const FUNCTIONS: readonly (readonly [string, string])[] = [
  ['upper', 's'], ['lower', 's'], ['title', 's'], ['untitle', 's'], ['trim', 's'], ['nospace', 's'], ['initials', 's'], ['swapcase', 's'],
  ['snakecase', 's'], ['camelcase', 's'], ['kebabcase', 's'], ['quote', 'aa'], ['squote', 'aa'], ['cat', 'aa'], ['toString', 'a'],
  ['atoi', 's'], ['int', 'a'], ['int64', 'a'], ['float64', 'a'], ['toStrings', 'a'], ['toJson', 'a'], ['toPrettyJson', 'a'], ['toRawJson', 'a'],
  ['trunc', 'is'], ['abbrev', 'is'], ['abbrevboth', 'iis'], ['repeat', 'is'], ['indent', 'is'], ['nindent', 'is'], ['wrap', 'is'], ['wrapWith', 'iss'],
  ['substr', 'iis'], ['replace', 'sss'], ['trimAll', 'ss'], ['trimPrefix', 'ss'], ['trimSuffix', 'ss'], ['contains', 'ss'], ['hasPrefix', 'ss'],
  ['hasSuffix', 'ss'], ['splitList', 'ss'], ['split', 'ss'], ['splitn', 'sis'], ['join', 'sa'], ['sortAlpha', 'a'], ['plural', 'ssi'],
  ['add', 'aa'], ['add1', 'a'], ['sub', 'aa'], ['mul', 'aa'], ['div', 'aa'], ['mod', 'aa'], ['max', 'aa'], ['min', 'aa'], ['addf', 'aa'], ['subf', 'aa'],
  ['mulf', 'aa'], ['divf', 'aa'], ['maxf', 'aa'], ['minf', 'aa'], ['ceil', 'a'], ['floor', 'a'], ['round', 'ai'], ['seq', 'ii'], ['until', 'i'],
  ['untilStep', 'iii'], ['toDecimal', 'a'],
  ['first', 'l'], ['last', 'l'], ['rest', 'l'], ['initial', 'l'], ['reverse', 'l'], ['compact', 'l'], ['uniq', 'l'], ['has', 'al'], ['without', 'la'],
  ['append', 'la'], ['prepend', 'la'], ['concat', 'll'], ['chunk', 'il'], ['slice', 'lii'],
  ['default', 'aa'], ['empty', 'a'], ['coalesce', 'aa'], ['all', 'aa'], ['any', 'aa'], ['ternary', 'aab'], ['typeOf', 'a'], ['kindOf', 'a'],
  ['typeIs', 'sa'], ['kindIs', 'sa'], ['deepEqual', 'aa'], ['b64enc', 's'], ['b64dec', 's'], ['b32enc', 's'], ['b32dec', 's'], ['sha1sum', 's'],
  ['sha256sum', 's'], ['adler32sum', 's'], ['base', 's'], ['dir', 's'], ['clean', 's'], ['ext', 's'], ['isAbs', 's'],
  ['regexQuoteMeta', 's'], ['regexMatch', 'ss'], ['regexFind', 'ss'], ['regexSplit', 'ssi'], ['regexFindAll', 'ssi'], ['regexReplaceAll', 'sss'],
  ['fromJson', 's'], ['keys', 'd'], ['values', 'd'], ['hasKey', 'ds'], ['get', 'ds'], ['pick', 'ds'], ['omit', 'ds'], ['dict', 'sa'], ['list', 'aa'],
  ['semver', 's'], ['semverCompare', 'ss'], ['duration', 'a'], ['durationRound', 's'], ['urlParse', 's'], ['derivePassword', 'issss'],
  ['spew_sdump', 'a'], ['spew_sprintf', 'sa'], ['merge', 'dd'], ['mergeOverwrite', 'dd'], ['dig', 'ssad'], ['set', 'dsa'], ['unset', 'ds'],
  ['pluck', 'sd'], ['urlJoin', 'd'], ['toDate', 'ss'], ['mustToDate', 'ss'], ['unixEpoch', 'a'], ['mustDateModify', 'sa'],
  ['mustRegexReplaceAllLiteral', 'sss'], ['regexReplaceAllLiteral', 'sss'], ['mustRegexSplit', 'ssi'], ['tuple', 'aa'],
  ['mustFirst', 'a'], ['mustLast', 'a'], ['mustUniq', 'a'], ['mustCompact', 'a'], ['mustReverse', 'a'], ['mustHas', 'aa'], ['mustSlice', 'ai'],
  ['deepCopy', 'a'], ['mustFromJson', 's'], ['mustToJson', 'a'], ['typeIsLike', 'sa'], ['osBase', 's'], ['osDir', 's'], ['osClean', 's'],
  ['decryptAES', 'ss'], ['hello', ''], ['fail', 's'], ['biggest', 'aa'], ['int', 'a'],
];

export interface SprigTemplate {
  readonly name: string;
  readonly template: string;
}

/** `count` templates from `seed`; the same seed gives the same corpus. */
export function sprigCorpus(seed: number, count: number): SprigTemplate[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, (_, i) => {
    const calls = Array.from({ length: rng.int(1, 3) }, (_, j) => {
      const [name, kinds] = rng.pick(FUNCTIONS);
      const args = [...(j === 0 ? kinds : kinds.slice(0, -1))].map((kind) => literal(rng, rng.chance(0.1) ? 'a' : kind));
      return [name.startsWith('spew_') ? name : `sprig_${name}`, ...args].join(' ');
    });
    return { name: `random_${i}`, template: `{{ ${calls.join(' | ')} }}` };
  });
}
