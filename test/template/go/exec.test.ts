import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CtmplError } from '../../../src/errors.js';
import { executeGoTemplate, parseGoTemplate, type ExecuteOptions } from '../../../src/template/go/index.js';
import { GoChannel, GoFloat, fromJSON, goFunc, type FuncMap, type GoValue } from '../../../src/template/go/values.js';
import { confdStubs } from './confd-stubs.js';

function render(text: string, data: GoValue = null, funcs: FuncMap = {}, options?: ExecuteOptions): string {
  const tpl = parseGoTemplate('t.tmpl', text, { funcNames: new Set(Object.keys(funcs)) });
  return executeGoTemplate(tpl, data, funcs, options);
}

function renderError(text: string, data: GoValue = null, funcs: FuncMap = {}, options?: ExecuteOptions): string {
  try {
    render(text, data, funcs, options);
  } catch (error) {
    assert.ok(error instanceof CtmplError, String(error));
    return error.message;
  }
  return assert.fail('render succeeded');
}

const CONFORMANCE = new URL('../../fixtures/conformance/go-template/', import.meta.url);
/** Cases that need functions beyond the stubs (base64, Go's JSON error wording). */
const NEEDS_REAL_FUNCTIONS = new Set(['base64', 'base64_invalid_error', 'json_invalid_error']);

describe('Go template execution on the confd conformance cases', { skip: !existsSync(CONFORMANCE) }, () => {
  const names = existsSync(CONFORMANCE) ? readdirSync(CONFORMANCE).sort() : [];
  for (const name of names.filter((n) => !NEEDS_REAL_FUNCTIONS.has(n))) {
    const dir = new URL(`${name}/`, CONFORMANCE);
    const read = (file: string): string => readFileSync(new URL(file, dir), 'utf8');
    const funcs = confdStubs(read('data.yaml').startsWith('app:') ? 'app' : 'svc');
    const template = read('template.tmpl');
    if (existsSync(new URL('expected', dir))) {
      it(`renders ${name} as confd does`, () => {
        assert.equal(render(template, null, funcs), read('expected'));
      });
    } else {
      it(`fails ${name} with confd's message`, () => {
        const firstLine = read('expected.err').split('\n')[0] as string;
        assert.equal(renderError(template, null, funcs), firstLine.slice(firstLine.indexOf('template: t.tmpl')));
      });
    }
  }
});

const svc = fromJSON({ name: 'a', port: 80, weight: 1.5, tags: ['x', 'y'], meta: { zone: 'eu' }, on: true, nil: null });

const outputs: { name: string; template: string; data?: GoValue; expected: string }[] = [
  { name: 'dot and fields of a map', template: '{{.name}}:{{.port}} {{.meta.zone}}', data: svc, expected: 'a:80 eu' },
  { name: 'missing keys print <no value>', template: '{{.nope}} {{.meta.nope}} {{.nil}}', data: svc, expected: '<no value> <no value> <no value>' },
  { name: 'fields of a struct', template: '{{.Key}}={{.Value}}', data: { Key: 'k', Value: 'v' }, expected: 'k=v' },
  { name: 'variables declared, assigned and scoped', template: '{{$x := 1}}{{if true}}{{$x = 2}}{{$y := 3}}{{end}}{{$x}}', expected: '2' },
  { name: 'root variable inside range', template: '{{range .tags}}{{.}}{{$.name}}{{end}}', data: svc, expected: 'xaya' },
  { name: 'range over a map in key order with two variables', template: '{{range $k, $v := .}}{{$k}}={{$v}};{{end}}', data: fromJSON({ b: 2, a: 1 }), expected: 'a=1;b=2;' },
  { name: 'range over an integer', template: '{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}', expected: '012|01' },
  { name: 'range over a channel', template: '{{range $i, $e := .}}{{$i}}{{$e}}{{end}}', data: new GoChannel(['a', 'b']), expected: '0a1b' },
  { name: 'range over nothing runs else', template: '{{range .nope}}x{{else}}empty{{end}}{{range .tags}}{{else}}no{{end}}', data: fromJSON({ tags: [] }), expected: 'emptyno' },
  { name: 'range assigns to existing variables', template: '{{$i := 0}}{{$e := 0}}{{range $i, $e = .}}{{end}}{{$i}}{{$e}}', data: ['a', 'b'], expected: '1b' },
  { name: 'nested break only leaves the inner range', template: '{{range 2}}{{range 5}}{{if eq . 1}}{{break}}{{end}}{{.}}{{end}};{{end}}', expected: '0;0;' },
  { name: 'with sets dot and with-else', template: '{{with .meta}}{{.zone}}{{end}}{{with .nope}}x{{else with .name}}{{.}}{{end}}', data: svc, expected: 'eua' },
  { name: 'if-else-if chains', template: '{{if eq . 1}}one{{else if eq . 2}}two{{else}}many{{end}}', data: 2, expected: 'two' },
  { name: 'truthiness of zero values', template: '{{if 0}}a{{end}}{{if 0.0}}b{{end}}{{if ""}}c{{end}}{{if .}}d{{end}}{{if .nil}}e{{end}}{{if .meta}}f{{end}}', data: svc, expected: 'df' },
  { name: 'template passes dot; $ is the new dot', template: '{{define "r"}}<{{.}}|{{$}}>{{end}}{{template "r" "z"}}{{template "r"}}', expected: '<z|z><<no value>|<no value>>' },
  { name: 'executeTemplate returns the output as a string', template: '{{define "x"}}[{{.}}]{{end}}{{executeTemplate "x" 5 | printf "%q"}}{{executeTemplate "x"}}', expected: '"[5]"[<no value>]' },
  { name: 'pipelines feed the last argument', template: '{{"x" | printf "%s-%s" "y"}} {{1 | eq 1}}', expected: 'y-x true' },
  { name: 'and/or return operands and short-circuit', template: '{{and 1 "" (fail)}}|{{or 0 "x" (fail)}}|{{or 0 ""}}', expected: '|x|' },
  { name: 'index on maps, slices and strings', template: '{{index . "tags" 1}} {{index .tags 0}} {{index "abc" 1}} {{index . "nope"}}', data: svc, expected: 'y x 98 <no value>' },
  { name: 'slice on strings and slices', template: '{{slice "abcdef" 1 3}} {{slice .tags 1}} {{slice .tags}}', data: svc, expected: 'bc [y] [x y]' },
  { name: 'len of strings in bytes, slices and maps', template: '{{len "héllo"}} {{len .tags}} {{len .meta}}', data: svc, expected: '6 2 1' },
  { name: 'comparisons of strings, floats and nil', template: '{{lt "a" "b"}} {{eq .weight 1.5}} {{eq .nil nil}} {{ne .name "a"}} {{ge 2 2}}', data: svc, expected: 'true true true false true' },
  { name: 'html, js and urlquery escaping', template: `{{html "<a href='x'>&"}} {{js "it's <b>=\\n"}} {{urlquery "a b&c=d/é"}}`, expected: '&lt;a href=&#39;x&#39;&gt;&amp; it\\\'s \\u003Cb\\u003E\\u003D\\u000A a+b%26c%3Dd%2F%C3%A9' },
  { name: 'float constants stay float64', template: '{{1.0}} {{1e3}} {{0x10}} {{printf "%T %T" 1.5 2}}', expected: '1 1000 16 float64 int' },
  { name: 'numbers in function arguments convert to the parameter type', template: '{{half 3}}', expected: '1.5' },
  { name: 'missingkey=zero prints <no value> for interface maps', template: '{{.nope}}', data: svc, expected: '<no value>' },
  { name: 'call invokes a function value', template: '{{call .f 2}}', data: { f: goFunc(['int'], (n: number) => n * 2) as unknown as GoValue }, expected: '4' },
];

const funcs: FuncMap = {
  fail: goFunc([], () => {
    throw new Error('must not be called');
  }),
  half: goFunc(['float64'], (x: GoFloat) => new GoFloat(x.value / 2)),
  upper: goFunc(['string'], (s: string) => s.toUpperCase()),
  strs: goFunc(['[]string'], (l: string[]) => l.join('+')),
};

const failures: { name: string; template: string; data?: GoValue; message: string; options?: ExecuteOptions }[] = [
  { name: 'a constant of the wrong type', template: '{{upper 3}}', message: 'template: t.tmpl:1:8: executing "t.tmpl" at <3>: expected string; found 3' },
  { name: 'a value of the wrong type', template: '{{upper .port}}', data: svc, message: 'template: t.tmpl:1:8: executing "t.tmpl" at <.port>: wrong type for value; expected string; got float64' },
  { name: 'a slice that is not []string', template: '{{strs .}}', data: [1], message: 'template: t.tmpl:1:7: executing "t.tmpl" at <.>: wrong type for value; expected []string; got []interface {}' },
  { name: 'a missing value for a string parameter', template: '{{upper .nope}}', data: svc, message: 'template: t.tmpl:1:8: executing "t.tmpl" at <.nope>: invalid value; expected string' },
  { name: 'too many arguments for a variadic builtin', template: '{{printf}}', message: 'template: t.tmpl:1:2: executing "t.tmpl" at <printf>: wrong number of args for printf: want at least 1 got 0' },
  { name: 'arguments to a non-function', template: '{{.name 1}}', data: svc, message: 'template: t.tmpl:1:2: executing "t.tmpl" at <.name>: name is not a method but has arguments' },
  { name: 'a field of a string', template: '{{.name.x}}', data: svc, message: 'template: t.tmpl:1:7: executing "t.tmpl" at <.name.x>: can\'t evaluate field x in type string' },
  { name: 'nil is not a command', template: '{{nil}}', message: 'template: t.tmpl:1:2: executing "t.tmpl" at <nil>: nil is not a command' },
  { name: 'ranging over a string', template: '{{range "abc"}}{{end}}', message: 'template: t.tmpl:1:8: executing "t.tmpl" at <"abc">: range can\'t iterate over abc' },
  { name: 'comparing a bool with lt', template: '{{lt true false}}', message: 'template: t.tmpl:1:2: executing "t.tmpl" at <lt true false>: error calling lt: invalid type for comparison' },
  { name: 'eq on slices', template: '{{eq .tags .tags}}', data: svc, message: 'template: t.tmpl:1:2: executing "t.tmpl" at <eq .tags .tags>: error calling eq: non-comparable type [x y]: []interface {}' },
  { name: 'index out of range', template: '{{index .tags 5}}', data: svc, message: 'template: t.tmpl:1:2: executing "t.tmpl" at <index .tags 5>: error calling index: index out of range: 5' },
  { name: 'missingkey=error on a map', template: '{{.nope}}', data: svc, options: { missingKey: 'error' }, message: 'template: t.tmpl:1:2: executing "t.tmpl" at <.nope>: map has no entry for key "nope"' },
  { name: 'errors inside a define name it', template: '{{define "d"}}\n {{upper 1}}{{end}}{{template "d"}}', message: 'template: t.tmpl:2:9: executing "d" at <1>: expected string; found 1' },
  { name: 'unknown template in executeTemplate', template: '{{executeTemplate "x"}}', message: 'template: t.tmpl:1:2: executing "t.tmpl" at <executeTemplate "x">: error calling executeTemplate: template: no template "x" associated with template "t.tmpl"' },
  { name: 'runaway template recursion', template: '{{define "r"}}{{template "r"}}{{end}}{{template "r"}}', message: 'template: t.tmpl:1:25: executing "r" at <{{template "r"}}>: exceeded maximum template depth (1000)' },
];

describe('Go template execution', () => {
  for (const c of outputs) {
    it(`renders: ${c.name}`, () => {
      const options: ExecuteOptions | undefined = c.name.startsWith('missingkey=zero') ? { missingKey: 'zero' } : undefined;
      assert.equal(render(c.template, c.data ?? null, funcs, options), c.expected);
    });
  }

  for (const c of failures) {
    it(`fails with Go's message on: ${c.name}`, () => {
      assert.equal(renderError(c.template, c.data ?? null, funcs, c.options), c.message);
    });
  }

  it('renders the same template many times without sharing state', () => {
    const tpl = parseGoTemplate('t', '{{$x := .}}{{$x}}', { funcNames: new Set() });
    assert.equal(executeGoTemplate(tpl, 1, {}), '1');
    assert.equal(executeGoTemplate(tpl, 2, {}), '2');
  });

  it('a FuncMap entry named executeTemplate wins, as in consul-template (its denylist replaces it)', () => {
    const own = { executeTemplate: goFunc(['string'], () => 'mine') };
    assert.equal(render('{{define "x"}}engine{{end}}{{executeTemplate "x"}}', null, own), 'mine');
    assert.equal(render('{{define "x"}}engine{{end}}{{executeTemplate "x"}}', null, {}), 'engine');
  });
});
