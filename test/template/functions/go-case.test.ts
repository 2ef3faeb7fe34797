import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { goTitle, goToLower, goToUpper } from '../../../src/template/functions/go-case.js';

/**
 * test/fixtures/go-unicode/case.txt is Go's answer for every code point (recorded with gotmpl by
 * tools/record-go-case.mjs): "cp upper lower title" for each cased one, "sep cp" for each
 * non-ASCII word separator of strings.Title. Every other code point maps to itself.
 */
function recorded(): { cased: Map<number, readonly [number, number, number]>; separators: Set<number> } {
  const cased = new Map<number, readonly [number, number, number]>();
  const separators = new Set<number>();
  for (const line of readFileSync(new URL('../../fixtures/go-unicode/case.txt', import.meta.url), 'utf8').trimEnd().split('\n')) {
    const fields = line.split(' ');
    if (fields[0] === 'sep') separators.add(parseInt(fields[1]!, 16));
    else {
      const [cp, upper, lower, title] = fields.map((f) => parseInt(f, 16));
      cased.set(cp!, [upper!, lower!, title!]);
    }
  }
  return { cased, separators };
}

describe('Go case mapping', () => {
  const { cased, separators } = recorded();

  it('maps every code point as Go 1.19 does (ToUpper, ToLower, Title)', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const r = String.fromCodePoint(cp);
      const [upper, lower, title] = (cased.get(cp) ?? [cp, cp, cp]).map((c) => String.fromCodePoint(c));
      if (goToUpper(r) !== upper || goToLower(r) !== lower || goTitle(r) !== title) wrong.push(cp.toString(16));
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} code points map differently`);
  });

  it('treats as word separators exactly the runes Go does', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ascii = cp <= 0x7f && !/[A-Za-z0-9_]/.test(String.fromCodePoint(cp));
      const isSeparator = goTitle(`a${String.fromCodePoint(cp)}b`).endsWith('B');
      if (isSeparator !== (ascii || separators.has(cp))) wrong.push(cp.toString(16));
    }
    assert.deepEqual(wrong, []);
  });

  const cases: readonly [name: string, fn: (s: string) => string, input: string, want: string][] = [
    ['ß has no one-rune upper case', goToUpper, 'straße', 'STRAßE'],
    ['ᾳ upper-cases to its title-case letter, not to two runes', goToUpper, 'ᾳ', 'ᾼ'],
    ['İ lower-cases to a plain i', goToLower, 'İstanbul', 'istanbul'],
    ['a letter newer than Unicode 13 keeps its case', goToUpper, '\u{a7c1}', '\u{a7c1}'],
    ['Title uses title case for digraphs', goTitle, 'ǆemal ǉ', 'ǅemal ǈ'],
    ['Title leaves Georgian Mkhedruli alone', goTitle, 'ა', 'ა'],
    ['Title splits words at a no-break space but not at punctuation above ASCII', goTitle, 'a\u00a0b a«b', 'A\u00a0B A«b'],
    ['Title keeps the rest of each word', goTitle, 'hELLO wORLD-x_y', 'HELLO WORLD-X_y'],
    ['supplementary letters map (Deseret)', goToUpper, '𐐨', '𐐀'],
    ['an invalid UTF-8 byte becomes U+FFFD, as strings.Map writes it', goToUpper, 'a\udcffé', 'A\ufffdÉ'],
    ['Title replaces an invalid byte too', goTitle, '\udc80x y', '\ufffdx Y'],
  ];
  for (const [name, fn, input, want] of cases) it(name, () => assert.equal(fn(input), want));
});
