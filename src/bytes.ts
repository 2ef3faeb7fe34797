/**
 * Go strings are bytes: a value that is not valid UTF-8 reaches a Go tool's output unchanged.
 * JavaScript strings are UTF-16, so values are decoded losslessly with Python's "surrogateescape":
 * each byte of an invalid UTF-8 sequence becomes the lone surrogate U+DC80+byte (U+DC80..U+DCFF),
 * and encoding turns such a surrogate back into its byte. Valid UTF-8 decodes as usual.
 */

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const escapeBase = 0xdc00;

/** Decodes bytes from a store: valid UTF-8 as text, each other byte as U+DC80+byte. */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

/** Decodes base64 (etcd, Consul) with decodeBytes. */
export function decodeBase64Bytes(base64: string): string {
  return decodeBytes(Buffer.from(base64, 'base64'));
}

// A lone low surrogate in U+DC80..U+DCFF: an escaped byte (a paired one is part of a real character).
const escapedByte = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/** Encodes text for a file or a store: UTF-8, with each escaped byte (U+DC80..U+DCFF) written as itself. */
export function encodeText(text: string): Buffer {
  // A well-formed string has no lone surrogate, so no escaped byte: one native check, not a regex scan.
  if (text.isWellFormed() || !escapedByte.test(text)) return Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc80 || unit > 0xdcff || (i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) continue;
    chunks.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.of(unit - escapeBase));
    start = i + 1;
  }
  chunks.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(chunks);
}

/** The byte length encodeText(text) would have. */
export function encodedLength(text: string): number {
  return text.isWellFormed() || !escapedByte.test(text) ? Buffer.byteLength(text, 'utf8') : encodeText(text).length;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function decodeEscaping(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(escapeBase + bytes[i]!);
      i += 1;
    } else {
      out += strict.decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return out;
}

/** The length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none (RFC 3629). */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const [length, low, high] =
    lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
    : lead === 0xe0 ? [3, 0xa0, 0xbf]
    : lead === 0xed ? [3, 0x80, 0x9f] // U+D800..U+DFFF are not characters
    : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
    : lead === 0xf0 ? [4, 0x90, 0xbf]
    : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
    : lead === 0xf4 ? [4, 0x80, 0x8f]
    : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k += 1) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}
