import { createHash } from 'node:crypto';
import { goFunc, type FuncMap } from '../../go/values.js';
import { decodeStdBase64, encodeStdBase64 } from '../base64.js';

/** sprig's encodings and checksums. A failed decode returns the error's text as the result. */

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding.EncodeToString. */
function encodeBase32(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let j = 0; j < 5; j++) bits = (bits << 8n) | BigInt(chunk[j] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let j = 0; j < 8; j++) out += j < chars ? B32[Number((bits >> BigInt(35 - 5 * j)) & 31n)] : '=';
  }
  return out;
}

/** base32.StdEncoding.DecodeString (newlines dropped first), or Go's "illegal base32 data at input byte N". */
function decodeBase32(s: string): string {
  const src = Buffer.from(Buffer.from(s, 'utf8').toString('latin1').replace(/[\r\n]/g, ''), 'latin1');
  const corrupt = (at: number) => new Error(`illegal base32 data at input byte ${at}`);
  const out: number[] = [];
  let si = 0;
  let end = false;
  while (si < src.length && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (si === src.length) throw corrupt(si - j);
      const c = src[si++]!;
      const left = src.length - si;
      if (c === 0x3d && j >= 2 && left < 8) {
        if (left + j < 7) throw corrupt(src.length);
        for (let k = 0; k < 7 - j; k++) if (left > k && src[si + k] !== 0x3d) throw corrupt(si + k - 1);
        [dlen, end] = [j, true];
        if (dlen === 1 || dlen === 3 || dlen === 6) throw corrupt(si - 1);
        break;
      }
      const value = B32.indexOf(String.fromCharCode(c));
      if (value < 0) throw corrupt(si - 1);
      dbuf[j++] = value;
    }
    let bits = 0n;
    for (const value of dbuf) bits = (bits << 5n) | BigInt(value);
    const count = Math.floor((dlen * 5) / 8);
    for (let j = 0; j < count; j++) out.push(Number((bits >> BigInt(32 - 8 * j)) & 255n));
  }
  return Buffer.from(out).toString('utf8');
}

const orErrorText = (decode: (s: string) => string) => (s: string): string => {
  try {
    return decode(s);
  } catch (error) {
    return (error as Error).message;
  }
};

const hexDigest = (algorithm: string) => (s: string): string => createHash(algorithm).update(s, 'utf8').digest('hex');

/** hash/adler32.Checksum, in decimal. */
function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

export function encodingFuncs(): FuncMap {
  return {
    b64enc: goFunc(['string'], encodeStdBase64),
    b64dec: goFunc(['string'], orErrorText(decodeStdBase64)),
    b32enc: goFunc(['string'], encodeBase32),
    b32dec: goFunc(['string'], orErrorText(decodeBase32)),
    sha1sum: goFunc(['string'], hexDigest('sha1')),
    sha256sum: goFunc(['string'], hexDigest('sha256')),
    sha512sum: goFunc(['string'], hexDigest('sha512')),
    adler32sum: goFunc(['string'], adler32),
  };
}
