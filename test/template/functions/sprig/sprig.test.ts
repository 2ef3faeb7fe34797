import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SPRIG_NAMES } from '../../../../src/template/functions/sprig/names.js';
import { SPRIG_CASES } from './cases.js';
import { renderSprig, type Outcome } from './render.js';

const EXPECTED = JSON.parse(readFileSync(new URL('../../../fixtures/sprig/expected.json', import.meta.url), 'utf8')) as Record<string, Outcome>;

/** Every case must match the recorded reference (gotmpl: sprig 3.2.3 on Go 1.19) byte for byte. */
describe('sprig_* functions against the recorded reference output', () => {
  for (const { name, template } of SPRIG_CASES) {
    const expected = EXPECTED[name];
    it(name, async () => {
      assert.ok(expected, `no recording for ${name}: run scripts/record-sprig-fixtures.mjs`);
      assert.deepEqual(await renderSprig(name, template), expected);
    });
  }
});

describe('sprig_* coverage', () => {
  it('names every sprig 3.3.0 hermetic function but sha512sum (absent from the 3.2.3 reference) in some case', () => {
    const used = new Set(SPRIG_CASES.flatMap(({ template }) => [...template.matchAll(/sprig_([A-Za-z0-9_]+)/g)].map((m) => m[1]!)));
    const untested = SPRIG_NAMES.filter((name) => !used.has(name) && !PROPERTY_TESTED.has(name));
    assert.deepEqual(untested, []);
  });
});

/** Functions with random or clock-dependent output, tested by property in sprig-properties.test.ts. */
const PROPERTY_TESTED = new Set([
  'sha512sum', 'shuffle', 'randInt', 'ago', 'bcrypt', 'htpasswd', 'encryptAES', 'genPrivateKey', 'genCA', 'genCAWithKey',
  'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey',
]);
