import { GO_CASE_RANGES } from './go-case-table.js';

/**
 * Case mapping as Go's unicode package does it: rune by rune, one rune to one rune (never "ß" →
 * "SS"), from Go's own tables (Unicode 13), so the answer does not follow Node's ICU version.
 * Go's ToUpper of "ᾳ" is "ᾼ" where JavaScript gives "ΑΙ"; its ToLower of "İ" is "i"; its title
 * case of "ǆ" is "ǅ".
 */

const enum Case {
  Upper = 0,
  Lower = 1,
  Title = 2,
}

interface CaseRange {
  readonly lo: number;
  readonly hi: number;
  /** Deltas for Upper, Lower, Title; undefined for an alternating upper/lower range. */
  readonly deltas?: readonly [number, number, number];
}

let ranges: readonly CaseRange[] | undefined;

function caseRanges(): readonly CaseRange[] {
  return (ranges ??= GO_CASE_RANGES.split(',').map((text) => {
    const [lo, hi, ...deltas] = text.split(' ');
    const bounds = { lo: parseInt(lo!, 16), hi: parseInt(hi!, 16) };
    return deltas[0] === 'A' ? bounds : { ...bounds, deltas: deltas.map(Number) as [number, number, number] };
  }));
}

/** unicode.To: the rune `cp` mapped to `to` case. */
function mapRune(to: Case, cp: number): number {
  if (cp < 0x80) {
    if (to === Case.Lower) return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
    return cp >= 0x61 && cp <= 0x7a ? cp - 32 : cp;
  }
  const table = caseRanges();
  let low = 0;
  let high = table.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const range = table[mid]!;
    if (cp < range.lo) high = mid;
    else if (cp > range.hi) low = mid + 1;
    else if (range.deltas) return cp + range.deltas[to];
    // Alternating pairs: the upper-case letter sits at an even offset from lo.
    else return (cp - range.lo) % 2 === 0 ? (to === Case.Lower ? cp + 1 : cp) : to === Case.Lower ? cp : cp - 1;
  }
  return cp;
}

/**
 * A lone surrogate is a byte of invalid UTF-8 (src/bytes.ts escapes them so): strings.Map
 * decodes it as utf8.RuneError and writes U+FFFD in its place.
 */
const isEscapedByte = (cp: number) => cp >= 0xd800 && cp <= 0xdfff;

function mapString(to: Case, s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return to === Case.Lower ? s.toLowerCase() : s.toUpperCase();
  let out = '';
  for (const r of s) {
    const cp = r.codePointAt(0)!;
    out += isEscapedByte(cp) ? '\ufffd' : String.fromCodePoint(mapRune(to, cp));
  }
  return out;
}

/** strings.ToUpper. */
export const goToUpper = (s: string): string => mapString(Case.Upper, s);

/** strings.ToLower. */
export const goToLower = (s: string): string => mapString(Case.Lower, s);

/** The runes above ASCII that Go's unicode.IsSpace accepts (White_Space, Unicode 13). */
const NON_ASCII_SPACES = new Set([0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

/**
 * strings.Title's isSeparator: ASCII other than letters, digits and "_"; above ASCII only spaces
 * (letters and digits are not, and Go treats nothing else as a separator).
 */
function isSeparator(cp: number): boolean {
  if (cp <= 0x7f) return !((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f);
  return NON_ASCII_SPACES.has(cp);
}

/** strings.Title: the first rune of each word mapped to title case (unicode.ToTitle). */
export function goTitle(s: string): string {
  let previous = 0x20;
  let out = '';
  for (const r of s) {
    const cp = r.codePointAt(0)!;
    if (isEscapedByte(cp)) out += '\ufffd';
    else out += isSeparator(previous) ? String.fromCodePoint(mapRune(Case.Title, cp)) : r;
    previous = isEscapedByte(cp) ? 0xfffd : cp;
  }
  return out;
}
