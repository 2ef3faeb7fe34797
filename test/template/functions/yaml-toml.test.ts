import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GoFloat, GoInt, JsonNumber, type GoValue } from '../../../src/template/go/values.js';
import { call, funcsFor } from './helpers.js';

/**
 * test/fixtures/consul-template-0.20/encoders.json: toYAML / toTOML of parseJSON data as the real
 * consul-template 0.20 rendered it (`output`, untrimmed file bytes) or failed it (`error`).
 */
interface Recorded {
  readonly fn: 'toYAML' | 'toTOML';
  readonly name: string;
  readonly json: string;
  readonly output?: string;
  readonly error?: string;
}
const RECORDED: readonly Recorded[] = JSON.parse(readFileSync(new URL('../../fixtures/consul-template-0.20/encoders.json', import.meta.url), 'utf8'));

describe('toYAML and toTOML write what consul-template 0.20 writes', () => {
  const funcs = funcsFor('consul-template');
  for (const c of RECORDED) {
    it(`${c.fn}: ${c.name.replaceAll('_', ' ')}`, () => {
      const data = call(funcs, 'parseJSON', c.json);
      if (c.error) assert.throws(() => call(funcs, c.fn, data), (error: Error) => error.message === c.error);
      else assert.equal(call(funcs, c.fn, data), c.output);
    });
  }

  // Vault's data holds json.Number (a Go string kind): BurntSushi quotes it, so a list mixing
  // numbers and strings is one type; yaml.v2 double-quotes it as a string that reads as a number.
  const vaultData = new Map<string, GoValue>([
    ['ports', [new JsonNumber('80'), new JsonNumber('443')]],
    ['mixed', [new JsonNumber('1'), 'a']],
    ['hosts', [new Map<string, GoValue>([['name', 'a'], ['weight', new JsonNumber('1.5')]])]],
  ]);
  const cases: readonly [name: string, fn: string, want: string][] = [
    ['toTOML writes Vault lists, numbers quoted', 'toTOML', 'mixed = ["1", "a"]\nports = ["80", "443"]\n\n[[hosts]]\n  name = "a"\n  weight = "1.5"'],
    ['toYAML writes Vault lists, numbers double-quoted', 'toYAML', 'hosts:\n- name: a\n  weight: "1.5"\nmixed:\n- "1"\n- a\nports:\n- "80"\n- "443"'],
  ];
  for (const [name, fn, want] of cases) it(name, () => assert.equal(call(funcs, fn, vaultData), want));
});

describe('parseYAML resolves scalars as yaml.v2 2.4 does (consul-template 0.25+)', () => {
  const funcs = funcsFor('consul-template');
  const cases: readonly [scalar: string, want: GoValue][] = [
    ['0o17', 15],
    ['0755', 493],
    ['08', new GoFloat(8)],
    ['0X1f', 31],
    ['1e3', new GoFloat(1000)],
    ['+.5', new GoFloat(0.5)],
    ['._5', '._5'],
    ['1e400', '1e400'],
    ['y', true],
    ['Off', false],
    ['~', null],
    ['12345678901234567890', new GoInt(12345678901234567890n, 'uint64')],
    ['9007199254740993', new GoInt(9007199254740993n, 'int')],
    ['2001-12-14 21:59:43.10', '2001-12-14 21:59:43.10'],
    ['1:20', '1:20'],
  ];
  for (const [scalar, want] of cases) {
    it(`${scalar} → ${want instanceof GoFloat ? `float64 ${want.value}` : want instanceof GoInt ? `${want.type} ${want.value}` : JSON.stringify(want)}`, () => {
      const parsed = call(funcs, 'parseYAML', `v: ${scalar}\n`) as ReadonlyMap<string, GoValue>;
      assert.deepEqual(parsed.get('v'), want);
    });
  }
});
