import { goToLower as toLower, goToUpper as toUpper } from '../go-case.js';

/**
 * huandu/xstrings' case conversions as sprig calls them: ToSnakeCase, ToKebabCase, and
 * ToCamelCase in the version Debian builds sprig 3.2.3 with (the first letter of each word
 * upper-cased, every other letter lower-cased: "fooBAR_baz" → "FoobarBaz").
 */

const isConnector = (r: string): boolean => r === '-' || r === '_' || isSpace(r);
const isSpace = (r: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\p{Z}]$/u.test(r);
const isUpper = (r: string): boolean => /^\p{Lu}$/u.test(r);
const isPunct = (r: string): boolean => /^\p{P}$/u.test(r);
const isNumber = (r: string): boolean => /^\p{N}$/u.test(r);

/** xstrings' isAlphabet: a letter, but not a CJK ideograph. */
function isAlphabet(r: string): boolean {
  if (!/^\p{L}$/u.test(r)) return false;
  const cp = r.codePointAt(0)!;
  if (cp < 0x3400) return true;
  return !((cp >= 0x4e00 && cp <= 0x9fcc) || (cp >= 0x3400 && cp <= 0x4d85) || (cp >= 0x20000 && cp <= 0x2b81d));
}

/** sprig's camelcase: "foo_bar baz" → "FooBarBaz"; leading connectors are kept. */
export function camelCase(s: string): string {
  const runes = Array.from(s);
  if (runes.length === 0) return '';
  let out = '';
  let i = 0;
  let r0 = '';
  while (i < runes.length) {
    r0 = runes[i++]!;
    if (!isConnector(r0)) {
      r0 = toUpper(r0);
      break;
    }
    out += r0;
  }
  // An all-connector string repeats its last rune, as xstrings does.
  if (i >= runes.length) return out + r0;
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) r0 = toUpper(r0);
    else {
      r0 = toLower(r0);
      out += r1;
    }
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

interface Word {
  readonly type: WordType;
  readonly text: string;
  readonly rest: readonly string[];
}

/** Runs of one class taken while `more` holds for the next rune. */
function takeWhile(runes: readonly string[], from: number, more: (r: string) => boolean): number {
  let end = from;
  while (end < runes.length && more(runes[end]!)) end++;
  return end;
}

/** xstrings' nextWord: the next word of `runes` and its kind. */
function nextWord(runes: readonly string[]): Word {
  const r = runes[0]!;
  let end: number;
  let type: WordType;
  if (r === '\ufffd') [type, end] = ['invalid', 1];
  else if (isConnector(r)) [type, end] = ['connector', takeWhile(runes, 1, isConnector)];
  else if (isPunct(r)) [type, end] = ['punct', takeWhile(runes, 1, isPunct)];
  else if (isUpper(r)) {
    type = 'upper';
    end = 1;
    if (runes.length > 1 && isUpper(runes[1]!)) {
      end = takeWhile(runes, 1, isUpper);
      // "HTTPServer": the last capital starts the next word.
      if (end < runes.length && isAlphabet(runes[end]!)) end--;
    } else if (runes.length > 1 && isAlphabet(runes[1]!)) {
      end = takeWhile(runes, 1, (c) => isAlphabet(c) && !isUpper(c));
    }
  } else if (isAlphabet(r)) [type, end] = ['alphabet', takeWhile(runes, 1, (c) => isAlphabet(c) && !isUpper(c))];
  else if (isNumber(r)) [type, end] = ['number', takeWhile(runes, 1, isNumber)];
  else {
    type = 'other';
    end = takeWhile(runes, 1, (c) => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)));
  }
  return { type, text: runes.slice(0, end).join(''), rest: runes.slice(end) };
}

function lowerWord(type: WordType, text: string, connector: string): string {
  if (type !== 'upper' && type !== 'connector') return text;
  return Array.from(text, (r) => (isConnector(r) ? connector : isUpper(r) ? toLower(r) : r)).join('');
}

/** xstrings' camelCaseToLowerCase: words joined by `connector`, lower-cased. */
function toLowerCase(s: string, connector: string): string {
  if (s === '') return '';
  let out = '';
  let word = nextWord(Array.from(s));
  // A function, not a field read, so the checker does not narrow across next().
  const kind = (): WordType => word.type;
  const next = (): void => {
    word = word.rest.length > 0 ? nextWord(word.rest) : { type: 'invalid', text: '', rest: [] };
  };
  while (word.rest.length > 0) {
    if (kind() !== 'connector') out += lowerWord(kind(), word.text, connector);
    const prev = word;
    next();
    if (prev.type === 'number') {
      while (kind() === 'alphabet' || kind() === 'number') {
        out += lowerWord(kind(), word.text, connector);
        next();
      }
      if (kind() !== 'invalid' && kind() !== 'punct' && kind() !== 'connector') out += connector;
    } else if (prev.type === 'connector') {
      out += lowerWord(prev.type, prev.text, connector);
    } else if (prev.type !== 'punct') {
      if (kind() !== 'number') {
        if (kind() !== 'connector' && kind() !== 'punct') out += connector;
        continue;
      }
      if (word.rest.length === 0) continue;
      const last = word;
      next();
      if (kind() !== 'alphabet') {
        out += lowerWord('number', last.text, connector);
        if (kind() !== 'connector' && kind() !== 'punct') out += connector;
        continue;
      }
      out += connector + lowerWord('number', last.text, connector);
      while (kind() === 'alphabet' || kind() === 'number') {
        out += lowerWord(kind(), word.text, connector);
        next();
      }
      if (kind() !== 'invalid' && kind() !== 'connector' && kind() !== 'punct') out += connector;
    }
  }
  return out + lowerWord(kind(), word.text, connector);
}

export const snakeCase = (s: string): string => toLowerCase(s, '_');
export const kebabCase = (s: string): string => toLowerCase(s, '-');
