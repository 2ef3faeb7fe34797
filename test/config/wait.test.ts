import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseWait } from '../../src/config/wait.js';

describe('parseWait reads consul-template quiescence', () => {
  const cases = [
    { text: '5s', want: { minMs: 5000, maxMs: 20000 } },
    { text: '200ms:1s', want: { minMs: 200, maxMs: 1000 } },
    { text: '2', want: { minMs: 2000, maxMs: 8000 } },
    { text: '1m30s:2m', want: { minMs: 90_000, maxMs: 120_000 } },
  ];
  for (const { text, want } of cases) it(`parses "${text}"`, () => assert.deepEqual(parseWait(text), want));

  it('names the key when min exceeds max', () => assert.throws(() => parseWait('10s:1s'), /^CtmplError: wait: min must be less than max$/));
  it('rejects a malformed duration', () => assert.throws(() => parseDuration('10x', 'wait'), /wait: invalid duration "10x"/));
});
