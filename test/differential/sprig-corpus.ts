import { quote } from '../../src/template/go/strconv.js';
import { Random } from './random.js';

/**
 * Random templates over the deterministic sprig_* functions: each a pipeline of one to three
 * calls whose arguments are literals of every kind (strings with Unicode and separators, ints,
 * floats, bools, nil, lists and dicts), so argument conversions, errors and printing all show.
 */

const STRINGS = ['', 'a', 'héllo wörld', 'Hello World', 'a,b,,c', '  x  ', '42', '-7', '3.50', '0x1F', '1e3', 'true', 'snake_case-Mixed Words', 'ab$cd$ef', '日本語', 'line1\nline2', '<&>', '1.2.3', 'v2.0.0-rc.1'];
const INTS = ['0', '1', '2', '3', '-1', '-4', '7', '100'];
const FLOATS = ['0.5', '1.5', '-2.25', '3.0', '1e3', '0.1'];

function literal(rng: Random): string {
  const roll = rng.next();
  if (roll < 0.4) return quote(rng.pick(STRINGS));
  if (roll < 0.6) return rng.pick(INTS);
  if (roll < 0.7) return rng.pick(FLOATS);
  if (roll < 0.75) return rng.pick(['true', 'false']);
  if (roll < 0.78) return 'nil';
  if (roll < 0.9) return `(sprig_list ${Array.from({ length: rng.int(0, 3) }, () => (rng.chance(0.7) ? quote(rng.pick(STRINGS)) : rng.pick(INTS))).join(' ')})`;
  return `(sprig_dict ${Array.from({ length: rng.int(0, 2) }, () => `${quote(rng.pick(['a', 'b', 'k']))} ${rng.chance(0.5) ? quote(rng.pick(STRINGS)) : rng.pick(INTS)}`).join(' ')})`;
}

/** Function name and argument count (the piped value counts as the last argument). */
const FUNCTIONS: readonly (readonly [string, number])[] = [
  ['upper', 1], ['lower', 1], ['title', 1], ['untitle', 1], ['trim', 1], ['nospace', 1], ['initials', 1], ['swapcase', 1],
  ['snakecase', 1], ['camelcase', 1], ['kebabcase', 1], ['quote', 2], ['squote', 2], ['cat', 2], ['toString', 1],
  ['atoi', 1], ['int', 1], ['int64', 1], ['float64', 1], ['toStrings', 1], ['toJson', 1], ['toPrettyJson', 1], ['toRawJson', 1],
  ['trunc', 2], ['abbrev', 2], ['repeat', 2], ['indent', 2], ['nindent', 2], ['wrap', 2], ['substr', 3], ['replace', 3],
  ['trimAll', 2], ['trimPrefix', 2], ['trimSuffix', 2], ['contains', 2], ['hasPrefix', 2], ['hasSuffix', 2],
  ['splitList', 2], ['split', 2], ['splitn', 3], ['join', 2], ['sortAlpha', 1], ['plural', 3],
  ['add', 2], ['add1', 1], ['sub', 2], ['mul', 2], ['div', 2], ['mod', 2], ['max', 2], ['min', 2], ['addf', 2], ['subf', 2],
  ['mulf', 2], ['divf', 2], ['maxf', 2], ['minf', 2], ['ceil', 1], ['floor', 1], ['round', 2], ['seq', 2], ['until', 1], ['toDecimal', 1],
  ['first', 1], ['last', 1], ['rest', 1], ['initial', 1], ['reverse', 1], ['compact', 1], ['uniq', 1], ['has', 2], ['without', 2],
  ['append', 2], ['prepend', 2], ['concat', 2], ['chunk', 2], ['slice', 2],
  ['default', 2], ['empty', 1], ['coalesce', 2], ['all', 2], ['any', 2], ['ternary', 3], ['typeOf', 1], ['kindOf', 1],
  ['typeIs', 2], ['kindIs', 2], ['deepEqual', 2], ['b64enc', 1], ['b64dec', 1], ['b32enc', 1], ['b32dec', 1], ['sha1sum', 1],
  ['sha256sum', 1], ['adler32sum', 1], ['base', 1], ['dir', 1], ['clean', 1], ['ext', 1], ['isAbs', 1],
  ['regexQuoteMeta', 1], ['regexMatch', 2], ['regexFind', 2], ['regexSplit', 3], ['regexFindAll', 3], ['fromJson', 1],
  ['keys', 1], ['values', 1], ['hasKey', 2], ['get', 2], ['pick', 2], ['omit', 2], ['semver', 1], ['semverCompare', 2], ['duration', 1],
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
      const [name, arity] = rng.pick(FUNCTIONS);
      const args = Array.from({ length: j === 0 ? arity : arity - 1 }, () => literal(rng));
      return [`sprig_${name}`, ...args].join(' ');
    });
    return { name: `random_${i}`, template: `{{ ${calls.join(' | ')} }}` };
  });
}
