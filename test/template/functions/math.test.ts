import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoFloat, type GoValue } from '../../../src/template/go/values.js';
import { call, funcsFor, plain } from './helpers.js';

const confd = funcsFor('confd');
const ct = funcsFor('consul-template');

type Case = [name: string, fn: string, args: GoValue[], want: unknown];

function table(funcs: typeof confd, cases: Case[]): void {
  for (const [name, fn, args, want] of cases) it(name, () => assert.deepEqual(plain(call(funcs, fn, ...args)), want));
}

describe('confd integer math', () => {
  table(confd, [
    ['atoi_negative: add of atoi values', 'add', [-3, 10], 7],
    ['parsebool_atoi: add', 'add', [42, 8], 50],
    ['sub', 'sub', [3, 5], -2],
    ['mul', 'mul', [3, 5], 15],
    ['div truncates toward zero', 'div', [-7, 2], -3],
    ['mod keeps the dividend sign', 'mod', [-7, 2], -1],
    ['seq: inclusive range', 'seq', [1, 5], [1, 2, 3, 4, 5]],
    ['seq: an empty range', 'seq', [3, 1], []],
  ]);
  it('seq_large: 1000 elements', () => assert.equal((call(confd, 'seq', 1, 1000) as number[]).length, 1000));
  it('div by zero fails as a Go runtime error', () => {
    assert.throws(() => call(confd, 'div', 1, 0), { message: 'division by zero' });
    assert.throws(() => call(confd, 'mod', 1, 0), { message: 'modulo by zero' });
  });
});

describe('consul-template math: the piped value is the left operand', () => {
  table(ct, [
    ['math: add', 'add', [1, 2], 3],
    ['math: subtract 2 10 = 10 - 2', 'subtract', [2, 10], 8],
    ['math: multiply', 'multiply', [3, 4], 12],
    ['math: divide 2 10 = 10 / 2', 'divide', [2, 10], 5],
    ['math: modulo 3 10 = 10 % 3', 'modulo', [3, 10], 1],
    ['math: 2 | add 5', 'add', [5, 2], 7],
    ['math: 1.5 | multiply 2 is a float', 'multiply', [2, new GoFloat(1.5)], { float: 3 }],
    ['int division truncates', 'divide', [2, 7], 3],
    ['an int with a float gives a float', 'divide', [new GoFloat(2), 7], { float: 3.5 }],
    ['minimum keeps the chosen type', 'minimum', [new GoFloat(2.5), 3], { float: 2.5 }],
    ['maximum', 'maximum', [2, 3], 3],
  ]);
  it('a string operand fails with consul-template\'s message', () => {
    assert.throws(() => call(ct, 'add', 1, 'a'), { message: 'add: unknown type for "a" (string)' });
  });
  it('modulo of a float fails', () => {
    assert.throws(() => call(ct, 'modulo', new GoFloat(1.5), 3), { message: 'modulo: unknown type for %!q(float64=1.5) (float64)' });
  });
});

describe('number and bool parsing', () => {
  table(ct, [
    ['parse_funcs: parseBool', 'parseBool', ['true'], true],
    ['parse_funcs: parseInt gives an int64', 'parseInt', ['-42'], 'int64(-42)'],
    ['parse_funcs: parseFloat', 'parseFloat', ['1.5'], { float: 1.5 }],
    ['parse_funcs: parseUint gives a uint64', 'parseUint', ['7'], 'uint64(7)'],
    ['parseUint keeps all 20 digits of the largest uint64', 'parseUint', ['18446744073709551615'], 'uint64(18446744073709551615)'],
    ['consul-template parseBool of "" is false', 'parseBool', [''], false],
    ['parseInt of "" is an int64 0', 'parseInt', [''], 'int64(0)'],
    ['parseFloat accepts Go syntax', 'parseFloat', ['0x1p-2'], { float: 0.25 }],
  ]);
  table(confd, [
    ['atoi_negative: atoi', 'atoi', ['-3'], -3],
    ['atoi accepts a plus sign', 'atoi', ['+7'], 7],
    ['atoi keeps every digit of the largest int', 'atoi', ['9223372036854775807'], 'int(9223372036854775807)'],
    ['parsebool_atoi: parseBool "false"', 'parseBool', ['false'], false],
    ['parseBool "T"', 'parseBool', ['T'], true],
  ]);

  const errors: [string, typeof confd, string, string, string][] = [
    ['atoi_errors', confd, 'atoi', 'x1', 'strconv.Atoi: parsing "x1": invalid syntax'],
    ['atoi of ""', confd, 'atoi', '', 'strconv.Atoi: parsing "": invalid syntax'],
    ['atoi out of range', confd, 'atoi', '9223372036854775808', 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
    ['parsebool_invalid_error', confd, 'parseBool', 'maybe', 'strconv.ParseBool: parsing "maybe": invalid syntax'],
    ['confd parseBool of ""', confd, 'parseBool', '', 'strconv.ParseBool: parsing "": invalid syntax'],
    ['consul-template wraps parseBool errors', ct, 'parseBool', 'maybe', 'parseBool: strconv.ParseBool: parsing "maybe": invalid syntax'],
    ['parseInt errors', ct, 'parseInt', '1.5', 'parseInt: strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['parseUint of a negative', ct, 'parseUint', '-1', 'parseUint: strconv.ParseUint: parsing "-1": invalid syntax'],
    ['parseFloat errors', ct, 'parseFloat', 'abc', 'parseFloat: strconv.ParseFloat: parsing "abc": invalid syntax'],
  ];
  for (const [name, funcs, fn, input, message] of errors) {
    it(`${name} fails with Go's text`, () => assert.throws(() => call(funcs, fn, input), { message }));
  }
});
