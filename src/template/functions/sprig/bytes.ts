/**
 * Go's byte-indexed string operations for the sprig functions that slice strings by byte
 * (substr, trunc, abbrev, wrap, initials, nospace): a string's UTF-8 bytes as a Latin-1 JS
 * string, one char per byte, so JS indexes are Go's.
 */

/** The UTF-8 bytes of `s`, one char each. */
export const toBytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** The string whose UTF-8 bytes `bytes` holds. */
export const fromBytes = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

/** Go's s[lo:hi] on bytes, with the runtime's panic message when out of range. */
export function sliceBytes(bytes: string, lo: number, hi = bytes.length): string {
  if (hi < 0) throw new Error(`runtime error: slice bounds out of range [:${hi}]`);
  if (hi > bytes.length) throw new Error(`runtime error: slice bounds out of range [:${hi}] with length ${bytes.length}`);
  if (lo < 0 || lo > hi) throw new Error(`runtime error: slice bounds out of range [${lo}:${hi}]`);
  return bytes.slice(lo, hi);
}
