import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeGoTemplate, parseGoTemplate, type ExecuteOptions } from '../../../src/template/go/index.js';
import { GO_TYPE_NAME, GoInt, goMap, goSlice, goFunc, type FuncMap, type GoValue } from '../../../src/template/go/values.js';

/**
 * The Go types of values (values.ts) show in the output as they do in the peers; each expected
 * text below is what consul-template 0.20 / confd print (test/differential checks them live).
 */
function render(text: string, data: GoValue, options?: ExecuteOptions): string {
  const funcs: FuncMap = { id: goFunc(['any'], (v: GoValue) => v) };
  const tpl = parseGoTemplate('t.tmpl', text, { funcNames: new Set(Object.keys(funcs)) });
  return executeGoTemplate(tpl, data, funcs, options);
}

const MAX_UINT64 = new GoInt(18446744073709551615n, 'uint64');
const keyPair = {
  Key: 'a', Value: 'one', CreateIndex: new GoInt(1588n, 'uint64'), Flags: MAX_UINT64, [GO_TYPE_NAME]: '*dependency.KeyPair',
};
const data = new Map<string, GoValue>([
  ['meta', goMap('map[string]string', () => '', [['version', '1']])],
  ['any', new Map<string, GoValue>([['version', '1']])],
  ['byKey', goMap('map[string]map[string]*dependency.KeyPair', () => goMap('map[string]*dependency.KeyPair', () => null))],
  ['byTag', goMap('map[string][]interface {}', () => [])],
  ['tags', goSlice('dependency.ServiceTags', ['prod', 'v1'])],
  ['strings', goSlice('[]string', ['b', 'a'])],
  ['list', ['x', null]],
  ['pair', keyPair],
  ['flags', MAX_UINT64],
  ['zero', new GoInt(0n, 'uint64')],
  ['big', new GoInt(9223372036854775807n, 'int')],
]);

const cases: readonly { name: string; template: string; expected: string; options?: ExecuteOptions }[] = [
  { name: 'index of a missing key in a map[string]string is ""', template: '[{{ index .meta "nope" }}]', expected: '[]' },
  { name: 'index of a missing key in a map[string]interface {} is <no value>', template: '[{{ index .any "nope" }}]', expected: '[<no value>]' },
  { name: 'a missing field of a map[string]string is "" under missingkey=zero', template: '[{{ .meta.nope }}]', expected: '[]', options: { missingKey: 'zero' } },
  { name: 'a missing field of a map[string]string is <no value> by default', template: '[{{ .meta.nope }}]', expected: '[<no value>]' },
  { name: 'index of a missing key of byKey is an empty map', template: '{{ index .byKey "nope" }}', expected: 'map[]' },
  { name: 'index of a missing key of byTag is an empty slice', template: '{{ index .byTag "nope" }}', expected: '[]' },
  { name: 'map types print with %T', template: '{{ printf "%T %T %T" .meta .any .byTag }}', expected: 'map[string]string map[string]interface {} map[string][]interface {}' },
  { name: 'ServiceTags and []string keep their type names', template: '{{ printf "%T %T %T %v" .tags .strings .list .tags }}', expected: 'dependency.ServiceTags []string []interface {} [prod v1]' },
  { name: 'a nil element of a slice prints as <nil>', template: '{{ .list }} {{ print (index .list 1) }}', expected: '[x <nil>] <nil>' },
  { name: 'a uint64 prints all 20 digits', template: '{{ .flags }} {{ printf "%d %x %v" .flags .flags .flags }}', expected: '18446744073709551615 18446744073709551615 ffffffffffffffff 18446744073709551615' },
  { name: 'a uint64 says uint64 in %T and in a bad verb', template: '{{ printf "%T|%s|%f" .flags .zero .flags }}', expected: 'uint64|%!s(uint64=0)|%!f(uint64=18446744073709551615)' },
  { name: 'a uint64 compares with an int by value', template: '{{ eq .zero 0 }} {{ lt .zero 1 }} {{ gt .flags 5 }} {{ ne .flags 0 }}', expected: 'true true true true' },
  { name: 'a uint64 zero is false', template: '{{ if .zero }}yes{{ else }}no{{ end }} {{ if .flags }}yes{{ end }}', expected: 'no yes' },
  { name: 'an int beyond 2^53 keeps every digit', template: '{{ .big }} {{ printf "%T" .big }}', expected: '9223372036854775807 int' },
  { name: 'a pointer struct prints without & in an action and with & in printf', template: '{{ .pair }} {{ printf "%v" .pair }}', expected: '{a one 1588 18446744073709551615} &{a one 1588 18446744073709551615}' },
  { name: 'a pointer struct prints its field names with %+v', template: '{{ printf "%+v" .pair }}', expected: '&{Key:a Value:one CreateIndex:1588 Flags:18446744073709551615}' },
  { name: 'a uint64 indexes a slice', template: '{{ index .strings .zero }}', expected: 'b' },
];

describe('Go types of values', () => {
  for (const { name, template, expected, options } of cases) {
    it(name, () => assert.equal(render(template, data, options), expected));
  }

  it('a uint64 is not assignable to an int parameter, as in Go', () => {
    const funcs: FuncMap = { twice: goFunc(['int'], (n: number) => n * 2) };
    const tpl = parseGoTemplate('t.tmpl', '{{ twice .zero }}', { funcNames: new Set(Object.keys(funcs)) });
    assert.throws(() => executeGoTemplate(tpl, data, funcs), /wrong type for value; expected int; got uint64/);
  });
});
