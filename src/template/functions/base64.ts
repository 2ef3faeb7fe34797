/**
 * Go's encoding/base64 StdEncoding/URLEncoding decoders (padded, not strict): the same
 * acceptance and the same `illegal base64 data at input byte N` offsets. Node's own decoder
 * silently skips bad characters, so it cannot be used for validation.
 */

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const corrupt = (offset: number) => new Error(`illegal base64 data at input byte ${offset}`);
const isNewline = (byte: number | undefined) => byte === 0x0a || byte === 0x0d;
const PAD = 0x3d;

function decodeMap(alphabet: string): Int16Array {
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
  return map;
}

const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

function skipNewlines(src: Uint8Array, si: number): number {
  while (si < src.length && isNewline(src[si])) si++;
  return si;
}

/** Handles '=' seen at quantum position j; returns the index after the padding. */
function readPadding(src: Uint8Array, si: number, j: number): number {
  if (j < 2) throw corrupt(si - 1);
  if (j === 2) {
    si = skipNewlines(src, si);
    if (si === src.length) throw corrupt(src.length);
    if (src[si] !== PAD) throw corrupt(si - 1);
    si++;
  }
  si = skipNewlines(src, si);
  if (si < src.length) throw corrupt(si);
  return si;
}

function flush(out: number[], dbuf: number[], j: number): void {
  const bits = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
  const bytes = [(bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff];
  out.push(...bytes.slice(0, j - 1));
}

function decodeWith(map: Int16Array, text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw corrupt(si - j);
      }
      const byte = src[si++]!;
      const value = map[byte]!;
      if (value >= 0) {
        dbuf[j] = value;
        continue;
      }
      if (isNewline(byte)) {
        j--;
        continue;
      }
      if (byte !== PAD) throw corrupt(si - 1);
      si = readPadding(src, si, j);
      break;
    }
    flush(out, dbuf, j);
  }
  return Buffer.from(out);
}

/** base64.StdEncoding.DecodeString, as bytes. */
export function decodeStdBase64Bytes(text: string): Buffer {
  return decodeWith(STD_MAP, text);
}

/** base64.StdEncoding.DecodeString, as a UTF-8 string. */
export function decodeStdBase64(text: string): string {
  return decodeWith(STD_MAP, text).toString('utf8');
}

/** base64.URLEncoding.DecodeString, as a UTF-8 string. */
export function decodeUrlBase64(text: string): string {
  return decodeWith(URL_MAP, text).toString('utf8');
}

/** base64.StdEncoding.EncodeToString. */
export function encodeStdBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** base64.URLEncoding.EncodeToString (padded, unlike Node's base64url). */
export function encodeUrlBase64(text: string): string {
  return encodeStdBase64(text).replaceAll('+', '-').replaceAll('/', '_');
}
