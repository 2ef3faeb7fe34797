import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMode, resolveId } from '../../src/config/permissions.js';

describe('parseMode accepts only octal modes', () => {
  const valid: [unknown, number][] = [['0644', 0o644], ['0o600', 0o600], ['0755', 0o755], [0o640, 0o640]];
  for (const [value, want] of valid) it(`reads ${String(value)}`, () => assert.equal(parseMode(value, 'x.toml:3'), want));

  it('refuses "644" instead of reading it as decimal like confd', () => {
    assert.throws(() => parseMode('644', 'x.toml:3'), /x\.toml:3: mode "644" must be octal with a leading zero, e\.g\. "0644"/);
  });
  it('refuses garbage', () => assert.throws(() => parseMode('rw-r--r--', 'x.toml:3'), /invalid mode/));
});

describe('resolveId resolves names through the system database', () => {
  it('resolves root to 0', () => assert.equal(resolveId('user', 'root', 'x'), 0));
  it('passes numeric ids through', () => assert.equal(resolveId('group', '42', 'x'), 42));
  it('names an unknown user', () => assert.throws(() => resolveId('user', 'no-such-user-ctmpl', 'x.toml:4'), /x\.toml:4: unknown user "no-such-user-ctmpl"/));
});
