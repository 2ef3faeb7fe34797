import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBytes, encodedLength, encodeText } from '../src/bytes.js';

describe('values kept as bytes', () => {
  const cases = [
    { name: 'invalid bytes between ASCII, with a NUL', hex: '41fffe000142' },
    { name: 'valid UTF-8 (é, 😀, a real U+FFFD)', hex: 'c3a9f09f9880efbfbd' },
    { name: 'a truncated sequence at the end', hex: '61e282' },
    { name: 'an overlong encoding of /', hex: 'c0af' },
    { name: 'an encoded surrogate (CESU)', hex: 'eda080edb080' },
    { name: 'a code point above U+10FFFF', hex: 'f4908080' },
    { name: 'a lone continuation byte after a valid character', hex: 'c3a980' },
    { name: 'Latin-1 text', hex: '63af74e9' },
    { name: 'every byte value', hex: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex') },
  ];
  for (const { name, hex } of cases) {
    it(`round-trips ${name}`, () => {
      const bytes = Buffer.from(hex, 'hex');
      const text = decodeBytes(bytes);
      assert.equal(encodeText(text).toString('hex'), hex);
      assert.equal(encodedLength(text), bytes.length);
    });
  }

  it('decodes valid UTF-8 as ordinary text and escapes only the invalid bytes', () => {
    assert.equal(decodeBytes(Buffer.from('héllo')), 'héllo');
    assert.equal(decodeBytes(Buffer.from('41ff42', 'hex')), 'A\udcffB');
  });

  it('writes a real character whose low surrogate lies in the escape range as UTF-8', () => {
    assert.equal(encodeText('\u{10080}').toString('hex'), Buffer.from('\u{10080}').toString('hex'));
  });
});
