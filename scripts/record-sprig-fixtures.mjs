#!/usr/bin/env node
// Records the reference output of every case in test/template/functions/sprig/cases.ts into
// test/fixtures/sprig/expected.json by running `gotmpl` (Go's text/template with sprig 3.2.3 and go-spew, on PATH) with TZ=UTC.
// Run: node --import tsx scripts/record-sprig-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPRIG_CASES } from '../test/template/functions/sprig/cases.ts';

const dir = mkdtempSync(join(tmpdir(), 'sprig-record-'));
const expected = {};
for (const { name, template } of SPRIG_CASES) {
  const file = join(dir, `${name}.tmpl`);
  writeFileSync(file, template);
  try {
    expected[name] = { output: execFileSync('gotmpl', [file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    expected[name] = { error: String(error.stderr).replace(/\n$/, '').replaceAll(file, `${name}.tmpl`) };
  }
}
rmSync(dir, { recursive: true });
writeFileSync(new URL('../test/fixtures/sprig/expected.json', import.meta.url), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`recorded ${Object.keys(expected).length} cases`);
