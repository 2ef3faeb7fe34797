import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FakeData } from '../../support/fake-data.js';
import { call, funcsFor } from './helpers.js';

const env = { CT_TEST_A: 'alpha', EMPTY: '' };

describe('environment functions', () => {
  const f = funcsFor('consul-template', undefined, { env });
  const cases: [string, string, string[], string][] = [
    ['env_funcs: env of a set variable', 'env', ['CT_TEST_A'], 'alpha'],
    ['env_funcs: env of an unset variable is empty', 'env', ['CT_TEST_NOPE'], ''],
    ['envOrDefault keeps an empty value', 'envOrDefault', ['EMPTY', 'd'], ''],
    ['envOrDefault of an unset variable', 'envOrDefault', ['NOPE', 'd'], 'd'],
    ['getenv of a set variable', 'getenv', ['CT_TEST_A'], 'alpha'],
    ['getenv replaces an empty value with the default', 'getenv', ['EMPTY', 'd'], 'd'],
    ['getenv without default', 'getenv', ['NOPE'], ''],
  ];
  for (const [name, fn, args, want] of cases) it(name, () => assert.equal(call(f, fn, ...args), want));

  it('mustEnv fails on an empty variable', () => {
    assert.equal(call(f, 'mustEnv', 'CT_TEST_A'), 'alpha');
    assert.throws(() => call(f, 'mustEnv', 'EMPTY'), { message: 'required environment variable EMPTY is empty' });
  });
});

describe('file functions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctmpl-fn-'));
  const inside = join(dir, 'in.txt');
  writeFileSync(inside, 'content\n');
  const outsideDir = mkdtempSync(join(tmpdir(), 'ctmpl-out-'));
  const outside = join(outsideDir, 'out.txt');
  writeFileSync(outside, 'secret');
  symlinkSync(outside, join(dir, 'link.txt'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outsideDir, { recursive: true, force: true });
  });

  const files = () => new FakeData({}, { [`file(${inside})`]: 'content\n', [`file(${join(dir, 'nope')})`]: null });

  it('file reads a file through a watched file dependency; "" reads nothing', () => {
    const data = files();
    const f = funcsFor('consul-template', data);
    assert.equal(call(f, 'file', inside), 'content\n');
    assert.equal(call(f, 'file', ''), '');
    assert.deepEqual(data.reads, [`file(${inside})`]);
  });

  it('file of an absent file holds the render until it appears', () => {
    const data = files();
    assert.equal(call(funcsFor('consul-template', data), 'file', join(dir, 'nope')), '');
    assert.deepEqual(data.missing, [`file(${join(dir, 'nope')})`]);
  });

  it('file refuses paths outside the sandbox, symlinks resolved', () => {
    const f = funcsFor('consul-template', files(), { sandboxPath: dir });
    assert.equal(call(f, 'file', inside), 'content\n');
    assert.throws(() => call(f, 'file', outside), { message: `'${outside}' is outside of sandbox` });
    assert.throws(() => call(f, 'file', join(dir, 'link.txt')), { message: `'${join(dir, 'link.txt')}' is outside of sandbox` });
  });

  it('fileExists', () => {
    const f = funcsFor('confd');
    assert.equal(call(f, 'fileExists', inside), true);
    assert.equal(call(f, 'fileExists', join(dir, 'nope')), false);
    assert.equal(call(funcsFor('confd', undefined, { sandboxPath: dir }), 'fileExists', outside), false);
  });
});
