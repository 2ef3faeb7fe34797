import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue, sprint, sprintf, sprintln, typeString } from '../../../src/template/go/print.js';
import { GO_TYPE_NAME, GoFloat, fromJSON, type GoValue } from '../../../src/template/go/values.js';

const f = (v: number): GoFloat => new GoFloat(v);
const meta = fromJSON({ zone: 'eu', rack: 'r1' });

const printfCases: { name: string; format: string; args: GoValue[]; expected: string }[] = [
  { name: 'conformance printf_verbs', format: '%s|%d|%5d|%-5s|%q|%v|%x|%03d|%.2f|%t|%%', args: ['s', 42, 7, 'ab', 'q"t', 3, 255, 5, f(3.14159), true], expected: 's|42|    7|ab   |"q\\"t"|3|ff|005|3.14|true|%' },
  { name: 'signs and padding of integers', format: '%+d|% d|%05d|%-5d|%x|%X|%o|%O|%b|%#x|%#o', args: [5, 5, -42, 3, -255, 255, 8, 8, 5, 255, 8], expected: '+5| 5|-0042|3    |-ff|FF|10|0o10|101|0xff|010' },
  { name: 'integer precision', format: '%.3d|%6.3d|%.0d', args: [7, -7, 0], expected: '007|  -007|' },
  { name: 'characters and code points', format: '%c|%q|%U|%#U', args: [0x263a, 0x61, 0x263a, 0x41], expected: "☺|'a'|U+263A|U+0041 'A'" },
  { name: 'floats in every layout', format: '%f|%.1f|%e|%E|%g|%G|%8.3f|%-8.2f|%+.1e|%08.3f', args: [f(3.14159), f(0.05), f(1234.5678), f(1e-7), f(1e6), f(1e-7), f(3.14159), f(2.5), f(12345), f(-3.14159)], expected: '3.141590|0.1|1.234568e+03|1.000000E-07|1e+06|1E-07|   3.142|2.50    |+1.2e+04|-003.142' },
  { name: 'float rounding is half to even on exact values', format: '%.2f|%.0f|%.0f|%.1f', args: [f(0.125), f(0.5), f(1.5), f(0.25)], expected: '0.12|0|2|0.2' },
  { name: 'strings with width, precision and quoting', format: '%5s|%-5s|%.2s|%5.1s|%x|% X|%#q|%+q', args: ['ab', 'ab', 'héllo', 'xyz', 'hi', 'hi', 'a"b', 'é'], expected: '   ab|ab   |hé|    x|6869|68 69|`a"b`|"\\u00e9"' },
  { name: 'star width and precision', format: '%*d|%-*d|%.*f', args: [4, 7, 3, 1, 2, f(3.14159)], expected: '   7|1  |3.14' },
  { name: 'composites with %v and %+v', format: '%v|%+v|%v|%d|%s', args: [['x', 'y'], meta, [1, null], [1, 2], ['a', 3]], expected: '[x y]|map[rack:r1 zone:eu]|[1 <nil>]|[1 2]|[a %!s(int=3)]' },
  { name: 'structs with field names under %+v', format: '%v|%+v', args: [{ Key: 'k', Value: 'v' }, { Key: 'k', Value: 'v' }], expected: '{k v}|{Key:k Value:v}' },
  { name: 'types', format: '%T|%T|%T|%T|%T|%T|%T', args: [1, f(1), 's', true, ['a'], meta, null], expected: 'int|float64|string|bool|[]interface {}|map[string]interface {}|<nil>' },
  { name: 'bad verbs, missing and extra arguments', format: '%d|%s|%t|%z|%d', args: ['x', 5, 1, 2, null], expected: '%!d(string=x)|%!s(int=5)|%!t(int=1)|%!z(int=2)|%!d(<nil>)' },
  { name: 'missing operand', format: '%d %d', args: [1], expected: '1 %!d(MISSING)' },
  { name: 'extra operands', format: 'x', args: [1, 'a', null], expected: 'x%!(EXTRA int=1, string=a, <nil>)' },
  { name: 'no verb at the end', format: 'a%', args: [], expected: 'a%!(NOVERB)' },
  { name: 'bad width argument', format: '%*d', args: ['x', 1], expected: '%!(BADWIDTH)1' },
];

const floats: { value: number; expected: string }[] = [
  { value: 81, expected: '81' },
  { value: 3.14, expected: '3.14' },
  { value: 1e6, expected: '1e+06' },
  { value: 123456, expected: '123456' },
  { value: 1234567, expected: '1.234567e+06' },
  { value: 0.0001, expected: '0.0001' },
  { value: 0.00001, expected: '1e-05' },
  { value: -0, expected: '-0' },
  { value: 0.1 + 0.2, expected: '0.30000000000000004' },
  { value: 1e21, expected: '1e+21' },
  { value: Infinity, expected: '+Inf' },
  { value: NaN, expected: 'NaN' },
];

/** [format, operands, Go's output], from Go's src/fmt/fmt_test.go (fmtTests and reorderTests). */
type GoCase = readonly [string, readonly GoValue[], string];

const reorderCases: GoCase[] = [
  ['%[1]d', [1], '1'],
  ['%[2]d', [2, 1], '1'],
  ['%[2]d %[1]d', [1, 2], '2 1'],
  ['%[2]*[1]d', [2, 5], '    2'],
  ['%[3]*.[2]*[1]f', [f(12), 2, 6], ' 12.00'],
  ['%[1]*.[2]*[3]f', [6, 2, f(12)], ' 12.00'],
  ['%[1]*[3]f', [10, 99, f(12)], ' 12.000000'],
  ['%.[1]*[3]f', [6, 99, f(12)], '12.000000'],
  ['%[1]*.[3]f', [6, 3, f(12)], '    12'],
  ['%d %d %d %#[1]o %#o %#o', [11, 12, 13], '11 12 13 013 014 015'],
  ['%[d', [2, 1], '%!d(BADINDEX)'],
  ['%]d', [2, 1], '%!](int=2)d%!(EXTRA int=1)'],
  ['%[]d', [2, 1], '%!d(BADINDEX)'],
  ['%[-3]d', [2, 1], '%!d(BADINDEX)'],
  ['%[99]d', [2, 1], '%!d(BADINDEX)'],
  ['%[3]', [2, 1], '%!(NOVERB)'],
  ['%[1].2d', [5, 6], '%!d(BADINDEX)'],
  ['%[1]2d', [2, 1], '%!d(BADINDEX)'],
  ['%3.[2]d', [7], '%!d(BADINDEX)'],
  ['%.[2]d', [7], '%!d(BADINDEX)'],
  ['%d %d %d %#[1]o %#o %#o %#o', [11, 12, 13], '11 12 13 013 014 015 %!o(MISSING)'],
  ['%[5]d %[2]d %d', [1, 2, 3], '%!d(BADINDEX) 2 3'],
  ['%d %[3]d %d', [1, 2], '1 %!d(BADINDEX) 2'],
  ['%.[]', [], '%!](BADINDEX)'],
  ['%.-3d', [42], '%!-(int=42)3d'],
  ['%2147483648d', [42], '%!(NOVERB)%!(EXTRA int=42)'],
  ['%.2147483648d', [42], '%!(NOVERB)%!(EXTRA int=42)'],
  ['%.', [3], '%!.(int=3)'],
  ['%s %.2', ['hello'], 'hello %!(NOVERB)'],
  ['%010.2', ['12345'], '%!(NOVERB)%!(EXTRA string=12345)'],
];

const floatBitsCases: GoCase[] = [
  ['%x', [f(1)], '0x1p+00'],
  ['%+.3x', [f(0)], '+0x0.000p+00'],
  ['%+.3x', [f(1)], '+0x1.000p+00'],
  ['% .3X', [f(-1)], '-0X1.000P+00'],
  ['% .3x', [f(1)], ' 0x1.000p+00'],
  ['%.3x', [f(2)], '0x1.000p+01'],
  ['%b', [f(1)], '4503599627370496p-52'],
  ['%#b', [f(1)], '4503599627370496p-52'],
  ['%.4b', [f(-1)], '-4503599627370496p-52'],
  ['% 20x', [f(-Infinity)], '                -Inf'],
  ['%+20X', [f(-Infinity)], '                -Inf'],
  ['%20x', [f(NaN)], '                 NaN'],
  ['% +20X', [f(NaN)], '                +NaN'],
  ['%+020x', [f(Infinity)], '                +Inf'],
  ['%-020X', [f(NaN)], 'NaN                 '],
  ['%#g', [f(1e-323)], '1.00000e-323'],
  ['%#g', [f(-1)], '-1.00000'],
  ['%#g', [f(1.1)], '1.10000'],
  ['%#g', [f(123456)], '123456.'],
  ['%#g', [f(1234567)], '1.234567e+06'],
  ['%#g', [f(1230000)], '1.23000e+06'],
  ['%#.0f', [f(1)], '1.'],
  ['%#.0e', [f(1)], '1.e+00'],
  ['%#.0x', [f(1)], '0x1.p+00'],
  ['%#.0g', [f(1100000)], '1.e+06'],
  ['%#.4x', [f(1)], '0x1.0000p+00'],
  ['%#.4g', [f(0.012)], '0.01200'],
  ['%#.4g', [f(0)], '0.000'],
  ['%#.0x', [f(123)], '0x1.p+07'],
  ['%#.4x', [f(123)], '0x1.ec00p+06'],
  ['%#.4g', [f(123000)], '1.230e+05'],
  ['%#9.4g', [f(1)], '    1.000'],
];

const sliceCases: GoCase[] = [
  ['%#x', [[1, 2, 15]], '[0x1 0x2 0xf]'],
  ['%x', [[1, 2, 15]], '[1 2 f]'],
  ['%d', [[1, 2, 15]], '[1 2 15]'],
  ['%q', [['a', 'b']], '["a" "b"]'],
  ['%6v', [[1, 11, 111]], '[     1     11    111]'],
  ['%06v', [[1, 11, 111]], '[000001 000011 000111]'],
  ['%-6v', [[1, 11, 111]], '[1      11     111   ]'],
  ['% d', [[1, 11, 111]], '[ 1  11  111]'],
  ['%+d', [[1, 11, 111]], '[+1 +11 +111]'],
  ['%# -6d', [[1, 11, 111]], '[ 1      11     111  ]'],
  ['%06v', [[f(10), 10]], '[000010 000010]'],
  ['%06v', [[f(-10), 10]], '[-00010 000010]'],
  ['%03.6v', [[1, f(2), 'x']], '[000001 002 00x]'],
  ['%03.0v', [[0, f(2), 'x']], '[    002 000]'],
  ['%v', [[1, 'hello', f(2.5), null]], '[1 hello 2.5 <nil>]'],
  ['%x', ['xyz'], '78797a'],
  ['% X', ['xyz'], '78 79 7A'],
  ['%# x', ['xyz'], '0x78 0x79 0x7a'],
  ['%.1x', ['日本語'], 'e6'],
  ['%☠', [[1, 'a']], '[%!☠(int=1) %!☠(string=a)]'],
];

describe('Go fmt printing', () => {
  for (const [group, cases] of [['argument indexes', reorderCases], ['binary floats and #', floatBitsCases], ['slices element-wise', sliceCases]] as const) {
    for (const [format, args, expected] of cases) {
      it(`formats ${group}: Sprintf(${JSON.stringify(format)}) = ${JSON.stringify(expected)}`, () => {
        assert.equal(sprintf(format, args), expected);
      });
    }
  }

  for (const c of printfCases) {
    it(`formats with printf: ${c.name}`, () => {
      assert.equal(sprintf(c.format, c.args), c.expected);
    });
  }

  for (const c of floats) {
    it(`prints float64 ${c.value} as ${c.expected} with %v`, () => {
      assert.equal(formatValue(f(c.value)), c.expected);
    });
  }

  it('puts spaces between operands only when neither is a string (conformance print_println)', () => {
    assert.equal(sprint(['a', 'b', 1, 2, 'c']), 'ab1 2c');
    assert.equal(sprint([1, 2]), '1 2');
    assert.equal(sprintln(['x', 3]), 'x 3\n');
    assert.equal(sprintln([]), '\n');
  });

  it('prints maps with sorted keys and nested values', () => {
    assert.equal(formatValue(fromJSON({ b: [1, { c: null }], a: 'x' })), 'map[a:x b:[1 map[c:<nil>]]]');
  });

  it('prints pointer structs with an ampersand in print and printf, without in an action ({{ . }} indirects)', () => {
    assert.equal(sprint([{ Key: 'k', [GO_TYPE_NAME]: '*dependency.KeyPair' }]), '&{k}');
    assert.equal(formatValue({ Key: 'k', [GO_TYPE_NAME]: '*dependency.KeyPair' }), '{k}');
    assert.equal(typeString({ Key: 'k', [GO_TYPE_NAME]: '*dependency.KeyPair' }), '*dependency.KeyPair');
  });
});
