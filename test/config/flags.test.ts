import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, usageText } from '../../src/config/flags.js';

describe('parseFlags reads Go-style flags', () => {
  const accepted: { name: string; argv: string[]; want: Record<string, unknown> }[] = [
    { name: 'single-dash long flags with separate values', argv: ['-onetime', '-confdir', '/etc/x', '-backend', 'etcd'], want: { onetime: true, confdir: '/etc/x', backend: 'etcd' } },
    { name: 'double dashes', argv: ['--once', '--consul-addr', '127.0.0.1:8500'], want: { once: true, 'consul-addr': '127.0.0.1:8500' } },
    { name: 'values after "="', argv: ['-confdir=/a=b', '-onetime=false', '-interval=5'], want: { confdir: '/a=b', onetime: false, interval: 5 } },
    { name: 'a boolean followed by true or false', argv: ['-noop', 'false', '-watch', 'true'], want: { noop: false, watch: true } },
    { name: 'repeated list flags, in order', argv: ['-template', 'a:b', '-node', 'n1', '-template', 'c:d'], want: { template: ['a:b', 'c:d'], node: ['n1'] } },
    { name: 'words after a list flag', argv: ['-file', 'a.yaml', 'b.yaml', '-onetime'], want: { file: ['a.yaml', 'b.yaml'], onetime: true } },
    { name: 'a negative number as a value', argv: ['-retry-max', '-1'], want: { 'retry-max': -1 } },
    { name: 'a value that is empty after "="', argv: ['-prefix='], want: { prefix: '' } },
  ];
  for (const { name, argv, want } of accepted) it(`accepts ${name}`, () => assert.deepEqual(parseFlags(argv), want));

  const refused: { name: string; argv: string[]; message: RegExp }[] = [
    { name: 'an unknown flag', argv: ['-onetime', '-bogus'], message: /^Unknown argument: bogus$/ },
    { name: 'several unknown words', argv: ['-bogus', 'stray'], message: /^Unknown arguments: bogus, stray$/ },
    { name: 'a stray word', argv: ['stray'], message: /^Unknown argument: stray$/ },
    { name: 'words after "--"', argv: ['-onetime', '--', '-x'], message: /^Unknown argument: -x$/ },
    { name: 'a short-option group', argv: ['-on'], message: /^Unknown argument: on$/ },
    { name: 'a negated boolean', argv: ['--no-onetime'], message: /^Unknown argument: no-onetime$/ },
    { name: 'a single-value flag given twice', argv: ['-backend', 'etcd', '-backend=file'], message: /^flag -backend given more than once$/ },
    { name: 'a number flag with a word', argv: ['-interval', 'soon'], message: /^flag -interval: not a number$/ },
    { name: 'a list flag without a value', argv: ['-once', '-template'], message: /^flag -template needs a value$/ },
    { name: 'a confdir followed by another flag', argv: ['-confdir', '-onetime'], message: /^flag -confdir needs a value$/ },
  ];
  for (const { name, argv, message } of refused) {
    it(`refuses ${name} as a usage error`, () => assert.throws(() => parseFlags(argv), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'USAGE');
      assert.match(error.message, message);
      return true;
    }));
  }

  it('lists every flag with its type and the examples in the usage text', async () => {
    const text = await usageText();
    for (const line of ['-confdir ', '-template ', '-onetime ', 'Examples:', '[string, repeatable]', '[boolean]']) assert.ok(text.includes(line), line);
  });
});
