import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeJsonLikeGo, JsonNumber, parseJsonKeepingNumbers } from '../src/json-number.js';

describe('JSON that keeps number text (Go json.Number)', () => {
  const roundTrips = [
    { name: 'a decimal keeps its trailing zero', text: '{"n":1.50}' },
    { name: 'an exponent stays an exponent', text: '{"n":1e3}' },
    { name: 'a 20-digit integer keeps every digit', text: '{"n":12345678901234567890}' },
    { name: 'negative zero stays -0', text: '[-0,-7,0.1]' },
    { name: 'keys come out sorted, as Go marshals maps', text: '{"a":2,"z":1}', from: '{"z":1,"a":2}' },
    { name: 'nested lists, objects, literals', text: '{"l":[1,{"y":"z"},true,null]}' },
    { name: 'HTML characters and U+2028 are escaped as Go does', text: '{"h":"\\u003ca\\u0026b\\u003e \\u2028"}', from: '{"h":"<a&b> \u2028"}' },
  ];
  for (const c of roundTrips) {
    it(c.name, () => assert.equal(encodeJsonLikeGo(parseJsonKeepingNumbers(c.from ?? c.text)), c.text));
  }

  it('parses numbers as JsonNumber, objects as Maps, strings with escapes', () => {
    const value = parseJsonKeepingNumbers(' {"n": 8080, "s": "caf\\u00e9\\n"} ') as ReadonlyMap<string, unknown>;
    assert.ok(value.get('n') instanceof JsonNumber);
    assert.equal(String(value.get('n')), '8080');
    assert.equal(value.get('s'), 'café\n');
  });

  const malformed = ['{"a":}', '[1,]', '{"a":1} x', '"open', '{a:1}', ''];
  for (const text of malformed) {
    it(`refuses malformed JSON ${JSON.stringify(text)}`, () => assert.throws(() => parseJsonKeepingNumbers(text), SyntaxError));
  }
});
