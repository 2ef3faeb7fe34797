import { goToLower as toLower, goToUpper as toUpper } from '../go-case.js';
import { fromBytes, toBytes } from './bytes.js';

/**
 * The Masterminds/goutils helpers sprig calls, with their byte-level quirks: Initials and
 * DeleteWhiteSpace walk bytes and write each byte back as a rune (non-ASCII text comes out
 * re-encoded as Latin-1), Abbreviate and WrapCustom index bytes.
 */

const isSpace = (r: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\p{Z}]$/u.test(r);

/** goutils.AbbreviateFull with its error dropped (sprig returns "" then). */
export function abbreviate(s: string, offset: number, maxWidth: number): string {
  if (s === '') return '';
  if (maxWidth < 4) return '';
  const bytes = toBytes(s);
  if (bytes.length <= maxWidth) return s;
  let at = Math.min(offset, bytes.length);
  if (bytes.length - at < maxWidth - 3) at = bytes.length - (maxWidth - 3);
  if (at <= 4) return fromBytes(bytes.slice(0, maxWidth - 3)) + '...';
  if (maxWidth < 7) return '';
  if (at + maxWidth - 3 < bytes.length) return '...' + abbreviate(fromBytes(bytes.slice(at)), 0, maxWidth - 3);
  return '...' + fromBytes(bytes.slice(bytes.length - (maxWidth - 3)));
}

/** goutils.Initials: the first byte of each space-separated word. */
export function initials(s: string): string {
  let out = '';
  let lastWasGap = true;
  for (const ch of toBytes(s)) {
    if (isSpace(ch)) lastWasGap = true;
    else if (lastWasGap) {
      out += ch;
      lastWasGap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace. */
export function deleteWhiteSpace(s: string): string {
  const bytes = toBytes(s);
  const kept = Array.from(bytes).filter((ch) => !isSpace(ch)).join('');
  return kept.length === bytes.length ? s : kept;
}

/**
 * goutils.SwapCase: upper and title case to lower, lower to upper (goutils title-cases a word's
 * first letter, which differs from upper case only for the digraphs ǅ ǈ ǋ ǲ).
 */
export function swapCase(s: string): string {
  return Array.from(s, (ch) => (/^[\p{Lu}\p{Lt}]$/u.test(ch) ? toLower(ch) : /^\p{Ll}$/u.test(ch) ? toUpper(ch) : ch)).join('');
}

/** goutils.Uncapitalize: the first letter of each space-separated word lower-cased. */
export function uncapitalize(s: string): string {
  let next = true;
  let out = '';
  for (const ch of s) {
    if (isSpace(ch)) {
      next = true;
      out += ch;
    } else if (next) {
      out += toLower(ch);
      next = false;
    } else out += ch;
  }
  return out;
}

/** goutils.WrapCustom: lines broken at spaces to `wrapLength` bytes; long words cut if asked. */
export function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const sep = newLine === '' ? '\n' : newLine;
  const width = Math.max(wrapLength, 1);
  const str = toBytes(s);
  const nl = toBytes(sep);
  let offset = 0;
  let out = '';
  while (str.length - offset > width) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    const spaceToWrapAt = str.slice(offset, width + offset + 1).lastIndexOf(' ') + offset;
    if (spaceToWrapAt >= offset) {
      out += str.slice(offset, spaceToWrapAt) + nl;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += str.slice(offset, offset + width) + nl;
      offset += width;
    } else {
      const end = width + offset;
      const index = str.slice(end).indexOf(' ');
      if (index === -1) {
        out += str.slice(offset);
        offset = str.length;
      } else {
        out += str.slice(offset, index + end) + nl;
        offset = index + end + 1;
      }
    }
  }
  return fromBytes(out + str.slice(offset));
}
