import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Flavor } from '../../../src/types/template.js';
import type { GoValue } from '../../../src/template/go/values.js';
import { call, funcsFor } from './helpers.js';

type Case = readonly [name: string, fn: string, args: readonly GoValue[], want: GoValue];

function table(flavor: Flavor, cases: readonly Case[]): void {
  for (const [name, fn, args, want] of cases) {
    it(name, () => assert.deepEqual(call(funcsFor(flavor), fn, ...args), want));
  }
}

describe('string functions shared by both flavors', () => {
  for (const flavor of ['confd', 'consul-template'] as const) {
    describe(flavor, () =>
      table(flavor, [
        ['case_contains_trim: toUpper', 'toUpper', ['Hello, World'], 'HELLO, WORLD'],
        ['case_contains_trim: toLower', 'toLower', ['MiXeD'], 'mixed'],
        ['toUpper maps rune by rune (ß stays)', 'toUpper', ['straße'], 'STRAßE'],
        ['strings: toTitle', 'toTitle', ['hello world'], 'Hello World'],
        ['toTitle keeps the rest of each word', 'toTitle', ['hELLO wORLD-x_y'], 'HELLO WORLD-X_y'],
        ['trim_funcs: trimSpace', 'trimSpace', ['  a  '], 'a'],
        ['trim_funcs: trimSpace of a newline', 'trimSpace', ['a\n'], 'a'],
        ['trimSpace keeps a BOM, as Go does', 'trimSpace', ['\ufeffa'], '\ufeffa'],
        ['base', 'base', ['/app/servers/web1'], 'web1'],
        ['base of ""', 'base', [''], '.'],
        ['dir', 'dir', ['/var/lib/app/data.db'], '/var/lib/app'],
        ['replace_n: the first n', 'replace', ['aaaa', 'a', 'b', 2], 'bbaa'],
        ['replace_n: all with -1', 'replace', ['aaaa', 'a', 'b', -1], 'bbbb'],
        ['replace_edge: an empty old inserts between runes', 'replace', ['aaa', '', '-', -1], '-a-a-a-'],
        ['replace_edge: an empty new deletes', 'replace', ['abc', 'b', '', 1], 'ac'],
        ['replaceAll', 'replaceAll', ['.', '_', 'a.b.c'], 'a_b_c'],
        ['trim cutset', 'trim', ['xy', 'xxaxyy'], 'a'],
        ['regexMatch', 'regexMatch', ['^[[:digit:]]+$', '123'], true],
      ]),
    );
  }

  it('splitToMap', () => {
    assert.deepEqual([...(call(funcsFor('confd'), 'splitToMap', ',', '=', 'a=1,b,c=3') as Map<string, string>)], [['a', '1'], ['c', '3']]);
  });
});

describe('confd flavor argument order', () => {
  table('confd', [
    ['split_join: split s sep keeps empty fields', 'split', ['a,b,,c', ','], ['a', 'b', '', 'c']],
    ['not_variants: split of "" is [""]', 'split', ['', ','], ['']],
    ['multiline_value: split on newline', 'split', ['line1\nline2', '\n'], ['line1', 'line2']],
    ['split with an empty separator splits runes', 'split', ['aé', ''], ['a', 'é']],
    ['split_join: join list sep', 'join', [['a', 'b', 'c'], '-'], 'a-b-c'],
    ['case_contains_trim: contains s substr', 'contains', ['seafood', 'foo'], true],
    ['case_contains_trim: trimSuffix s suffix', 'trimSuffix', ['file.conf', '.conf'], 'file'],
    // The confd fork's utility_funcs.go: strings.TrimPrefix, re.ReplaceAllString(s, repl), its indent.
    ['fork: trimPrefix s prefix', 'trimPrefix', ['service-web', 'service-'], 'web'],
    ['fork: trimPrefix only at the start', 'trimPrefix', ['a-service-', 'service-'], 'a-service-'],
    ['fork: regexReplaceAll re s repl', 'regexReplaceAll', ['[^a-zA-Z0-9]', 'my.app-1', '_'], 'my_app_1'],
    ['fork: regexReplaceAll expands Go groups', 'regexReplaceAll', ['(?P<w>o+)', 'foo boo', '<${w}$1>'], 'f<oooo> b<oooo>'],
    ['fork: indent pads blank lines and after a final newline', 'indent', [2, 'a\n\nb\n'], '  a\n  \n  b\n  '],
    ['fork: indent of "" is ""', 'indent', [4, ''], ''],
    ['fork: a negative indent counts as 0', 'indent', [-3, 'a\nb'], 'a\nb'],
  ]);
});

describe('consul-template flavor argument order', () => {
  table('consul-template', [
    ['strings: split sep s', 'split', [',', 'a, b ,c'], ['a', ' b ', 'c']],
    ['join_split_roundtrip: split', 'split', [',', 'c,a,b'], ['c', 'a', 'b']],
    ['split trims and gives [] for blank input', 'split', [',', '  '], []],
    ['strings: join sep list', 'join', ['-', ['a', 'b', 'c']], 'a-b-c'],
    ['services_tags_join: join of no tags', 'join', [',', []], ''],
    ['contains_in: contains needle list', 'contains', ['b', ['a', 'b', 'c']], true],
    ['contains_in: contains needle string', 'contains', ['b', 'abc'], true],
    ['trimSuffix suffix s', 'trimSuffix', ['.conf', 'file.conf'], 'file'],
    ['trimPrefix prefix s', 'trimPrefix', ['a', 'aab'], 'ab'],
    ['indent skips empty lines', 'indent', [2, 'a\n\nb'], '  a\n\n  b'],
    ['regexReplaceAll re repl s', 'regexReplaceAll', ['(?P<w>o+)', '<${w}$1>', 'foo boo'], 'f<oooo> b<oooo>'],
    ['regexReplaceAll $1x names a group "1x"', 'regexReplaceAll', ['(a)', '$1x', 'a'], ''],
  ]);
  it('indent rejects a negative count', () => {
    assert.throws(() => call(funcsFor('consul-template'), 'indent', -1, 'x'), { message: 'indent value must be a positive integer' });
  });
});
