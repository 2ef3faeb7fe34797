#!/usr/bin/env node
// Re-copies the peer-produced conformance cases and the recorded Consul answers into test/fixtures/,
// unchanged, so that a clone runs its tests on its own. Run it when the team's shared folder gains cases:
//   node tools/sync-fixtures.mjs SHARED_DIR   (the folder holding conformance/ and fixtures/)
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

if (!process.argv[2]) {
  console.error('usage: node tools/sync-fixtures.mjs SHARED_DIR');
  process.exit(64);
}
const shared = resolve(process.argv[2]);
const copies = [
  [join(shared, 'conformance'), 'test/fixtures/conformance'],
  [join(shared, 'fixtures', 'consul-1.2'), 'test/fixtures/consul-1.2'],
];
for (const [from, to] of copies) {
  if (!existsSync(from)) {
    console.error(`sync-fixtures: ${from} does not exist`);
    process.exit(1);
  }
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  console.log(`sync-fixtures: ${from} -> ${to}`);
}
