import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGoRegexp } from '../../../src/template/functions/regexp.js';
import { call, funcsFor } from './helpers.js';

// Expected values come from consul-template 0.20.0 (Go's regexp) rendering the same calls.
const replacements = [
  { name: 'an empty match beside a match is skipped, as Go does', re: 'a*', template: 'X', s: 'baaac', want: 'XbXcX' },
  { name: 'named and numbered groups expand', re: '(?P<w>o+)', template: '<${w}$1>', s: 'foo boo', want: 'f<oooo> b<oooo>' },
  { name: 'an empty pattern matches between runes', re: '', template: '-', s: 'x', want: '-x-' },
  { name: 'a dot matches a whole rune', re: '.', template: '[$0]', s: 'héllo', want: '[h][é][l][l][o]' },
  { name: 'a group that did not take part expands to nothing', re: '(a)|(b)', template: '<$2>', s: 'ab', want: '<><b>' },
  { name: '$1x names a group "1x"', re: '(a)', template: '$1x', s: 'a', want: '' },
  { name: '$$ is a dollar sign', re: 'a', template: '$$', s: 'cat', want: 'c$t' },
  { name: '\\Q…\\E quotes metacharacters', re: '\\Qa.b\\E', template: 'X', s: 'a.b axb', want: 'X axb' },
];

const matches = [
  { name: '(?U) makes repetition ungreedy', re: '(?U)a+b', s: 'aaab', want: true },
  { name: 'POSIX classes', re: '^[[:digit:]]+$', s: '123', want: true },
  { name: '\\A and \\z anchor the whole text', re: '\\Aab\\z', s: 'ab\n', want: false },
  { name: '(?i) folds case', re: '(?i)^abc$', s: 'ABC', want: true },
  { name: '\\pL is a Unicode letter', re: '^\\pL+$', s: 'héllo', want: true },
];

const badPatterns = [
  { name: 'an unclosed group', re: '(a', message: 'error parsing regexp: missing closing ): `(a`' },
  { name: 'an unopened group', re: 'a)', message: 'error parsing regexp: unexpected ): `a)`' },
  { name: 'an unclosed class', re: '[a', message: 'error parsing regexp: missing closing ]: `[a`' },
  { name: 'a nested repetition', re: 'a**', message: 'error parsing regexp: invalid nested repetition operator: `**`' },
  { name: 'a backreference (not RE2)', re: '(a)\\1', message: 'error parsing regexp: invalid escape sequence: `\\1`' },
  { name: 'a lookahead (not RE2)', re: 'a(?=b)', message: 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`' },
  { name: 'a repeat count over 1000', re: 'x{1001}', message: 'error parsing regexp: invalid repeat count: `{1001}`' },
];

describe('Go regexp functions', () => {
  for (const flavor of ['confd', 'consul-template'] as const) {
    for (const { name, re, template, s, want } of replacements) {
      // consul-template: regexReplaceAll re repl s; the confd fork: regexReplaceAll re s repl.
      const args = flavor === 'confd' ? [re, s, template] : [re, template, s];
      it(`regexReplaceAll (${flavor}): ${name}`, () => assert.equal(call(funcsFor(flavor), 'regexReplaceAll', ...args), want));
    }
    for (const { name, re, s, want } of matches) {
      it(`regexMatch (${flavor}): ${name}`, () => assert.equal(call(funcsFor(flavor), 'regexMatch', re, s), want));
    }
  }

  for (const { name, re, message } of badPatterns) {
    it(`refuses ${name} with Go's message`, () => {
      assert.throws(() => compileGoRegexp(re), { message });
      assert.throws(() => call(funcsFor('consul-template'), 'regexMatch', re, 'a'), (error: Error) => error.message.includes(message));
    });
  }

  const finds = [
    { name: 'the leftmost match', re: '[0-9]+', s: 'ab12cd345', want: '12' },
    { name: 'leftmost-first, not longest, alternation', re: 'a|ab', s: 'xab', want: 'a' },
    { name: 'no match is ""', re: 'z', s: 'abc', want: '' },
    { name: 'an empty match is ""', re: 'x*', s: 'abc', want: '' },
    { name: 'a whole rune', re: '.$', s: 'hé', want: 'é' },
  ];
  for (const { name, re, s, want } of finds) {
    it(`regexFind (the confd fork): ${name}`, () => assert.equal(call(funcsFor('confd'), 'regexFind', re, s), want));
  }

  it('runs in time linear in the input: ^(a+)+$ on 100 000 a and a b answers at once', () => {
    // A backtracking engine needs ~6 s for 30 a's and never finishes for 40.
    const started = performance.now();
    assert.equal(call(funcsFor('consul-template'), 'regexMatch', '^(a+)+$', `${'a'.repeat(100_000)}b`), false);
    assert.equal(call(funcsFor('consul-template'), 'regexReplaceAll', '(a+)+$', 'X', `${'a'.repeat(100_000)}b`), `${'a'.repeat(100_000)}b`);
    assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`);
  });
});
