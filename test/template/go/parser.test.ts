import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CtmplError } from '../../../src/errors.js';
import { parseGoTemplate } from '../../../src/template/go/index.js';
import { nodeString } from '../../../src/template/go/nodes.js';

const funcNames = new Set(['printf', 'split', 'getv', 'gets', 'base', 'seq']);

function parse(text: string, name = 't.tmpl'): Map<string, string> {
  const tpl = parseGoTemplate(name, text, { funcNames });
  return new Map([...tpl.trees].map(([n, tree]) => [n, nodeString(tree)]));
}

function parseError(text: string): string {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof CtmplError);
    assert.equal(error.code, 'TEMPLATE_PARSE');
    return error.message;
  }
  return assert.fail('parse succeeded');
}

/** Go's parse_test: the tree printed back is the oracle. */
const printed: { name: string; input: string; result: string }[] = [
  { name: 'empty', input: '', result: '' },
  { name: 'text', input: 'some text', result: 'some text' },
  { name: 'field chain', input: '{{.X.Y}}', result: '{{.X.Y}}' },
  { name: 'spaces are normalized', input: '{{  printf   "%d"   1  }}', result: '{{printf "%d" 1}}' },
  { name: 'pipeline', input: '{{.X|printf "%s"|printf}}', result: '{{.X | printf "%s" | printf}}' },
  { name: 'declaration', input: '{{$x := .X | printf}}{{$x}}', result: '{{$x := .X | printf}}{{$x}}' },
  { name: 'assignment', input: '{{$x := 1}}{{$x = 2}}', result: '{{$x := 1}}{{$x = 2}}' },
  { name: 'parenthesized arguments', input: '{{printf "%s" (split "a,b" ",")}}', result: '{{printf "%s" (split "a,b" ",")}}' },
  { name: 'chain on a pipeline', input: '{{(getv "/a").Value}}', result: '{{(getv "/a").Value}}' },
  { name: 'variable fields', input: '{{$.a.b}}', result: '{{$.a.b}}' },
  { name: 'literals keep their spelling', input: "{{printf `r` 0x1F 1e3 'a' true nil}}", result: "{{printf `r` 0x1F 1e3 'a' true nil}}" },
  { name: 'if else', input: '{{if .X}}a{{else}}b{{end}}', result: '{{if .X}}a{{else}}b{{end}}' },
  { name: 'else if becomes a nested if', input: '{{if .X}}a{{else if .Y}}b{{else}}c{{end}}', result: '{{if .X}}a{{else}}{{if .Y}}b{{else}}c{{end}}{{end}}' },
  { name: 'else with becomes a nested with', input: '{{with .X}}a{{else with .Y}}b{{end}}', result: '{{with .X}}a{{else}}{{with .Y}}b{{end}}{{end}}' },
  { name: 'range with two variables', input: '{{range $i, $e := .L}}{{$i}}{{end}}', result: '{{range $i, $e := .L}}{{$i}}{{end}}' },
  { name: 'range else with break and continue', input: '{{range .L}}{{break}}{{continue}}{{else}}none{{end}}', result: '{{range .L}}{{break}}{{continue}}{{else}}none{{end}}' },
  { name: 'template call', input: '{{template "x" .Y}}', result: '{{template "x" .Y}}' },
  { name: 'trim markers disappear', input: 'a  {{- .X -}}  b', result: 'a{{.X}}b' },
  { name: 'comments disappear', input: 'a{{/* c */}}b', result: 'ab' },
];

/** Parse errors, worded exactly as Go's (conformance err_* cases among them). */
const errors: { name: string; input: string; message: string }[] = [
  { name: 'err_unclosed_action', input: '{{range gets "/app/servers/*"}}{{.Key}}\n', message: 'template: t.tmpl:2: unexpected EOF' },
  { name: 'err_undefined_function', input: '{{nosuchfunc "x"}}\n', message: 'template: t.tmpl:1: function "nosuchfunc" not defined' },
  { name: 'err_unexpected_end', input: '{{end}}\n', message: 'template: t.tmpl:1: unexpected {{end}}' },
  { name: 'err_unterminated_string', input: '{{"abc}}\n', message: 'template: t.tmpl:1: unterminated quoted string' },
  { name: 'unclosed action at end of input', input: 'x\n{{.X', message: 'template: t.tmpl:2: unclosed action' },
  { name: 'unclosed action spanning lines', input: '{{.X\n\n', message: 'template: t.tmpl:3: unclosed action started at t.tmpl:1' },
  { name: 'unexpected else', input: 'a{{else}}', message: 'template: t.tmpl:1: unexpected {{else}}' },
  { name: 'undefined variable', input: '{{$x}}', message: 'template: t.tmpl:1: undefined variable "$x"' },
  { name: 'variable out of scope after end', input: '{{if 1}}{{$x := 1}}{{end}}{{$x}}', message: 'template: t.tmpl:1: undefined variable "$x"' },
  { name: 'empty action', input: '{{}}', message: 'template: t.tmpl:1: missing value for command' },
  { name: 'empty if', input: '{{if}}{{end}}', message: 'template: t.tmpl:1: missing value for if' },
  { name: 'unexpected token in range', input: '{{range |}}{{end}}', message: 'template: t.tmpl:1: unexpected "|" in range' },
  { name: 'constant in a later pipeline stage', input: '{{printf | 3}}', message: 'template: t.tmpl:1: non executable command in pipeline stage 2' },
  { name: 'field on a literal', input: '{{"x".y}}', message: 'template: t.tmpl:1: unexpected . after term "\\"x\\""' },
  { name: 'break outside range', input: '{{break}}', message: 'template: t.tmpl:1: {{break}} outside {{range}}' },
  { name: 'continue in a range else', input: '{{range .}}{{else}}{{continue}}{{end}}', message: 'template: t.tmpl:1: {{continue}} outside {{range}}' },
  { name: 'too many declarations', input: '{{$a, $b := 1}}', message: 'template: t.tmpl:1: too many declarations in command' },
  { name: 'range declares at most two variables', input: '{{range $a, $b, $c := .}}{{end}}', message: 'template: t.tmpl:1: too many declarations in range' },
  { name: 'bad escape in a string', input: '{{"\\q"}}', message: 'template: t.tmpl:1: invalid syntax' },
  { name: 'malformed character', input: "{{'ab'}}", message: "template: t.tmpl:1: malformed character constant: 'ab'" },
  { name: 'integer overflow', input: '{{99999999999999999999}}', message: 'template: t.tmpl:1: integer overflow: "99999999999999999999"' },
  { name: 'define needs a name', input: '{{define x}}{{end}}', message: 'template: t.tmpl:1: unexpected "x" in define clause' },
  { name: 'define ended by else', input: '{{define "x"}}{{else}}{{end}}', message: 'template: t.tmpl:1: unexpected {{else}} in define clause' },
  { name: 'redefinition', input: '{{define "x"}}a{{end}}{{define "x"}}b{{end}}', message: 'template: t.tmpl:1: template: multiple definition of template "x"' },
  { name: 'operand followed by junk', input: '{{printf 3=}}', message: 'template: t.tmpl:1: unexpected "=" in operand' },
  { name: 'deep nesting is refused', input: '{{' + '('.repeat(2000) + '1' + ')'.repeat(2000) + '}}', message: 'template: t.tmpl:1: max expression depth exceeded' },
];

describe('Go template parser', () => {
  for (const c of printed) {
    it(`prints the tree back for: ${c.name}`, () => {
      assert.equal(parse(c.input).get('t.tmpl'), c.result);
    });
  }

  for (const c of errors) {
    it(`reports Go's message for: ${c.name}`, () => {
      assert.equal(parseError(c.input), c.message);
    });
  }

  it('collects define and block trees beside the top-level one', () => {
    const trees = parse('{{block "b" .}}B{{end}}{{define "d"}}D{{end}}top');
    assert.deepEqual([...trees].sort(), [['b', 'B'], ['d', 'D'], ['t.tmpl', '{{template "b" .}}top']]);
  });

  it('lets a define replace a top-level template that is only whitespace', () => {
    assert.equal(parse('{{define "t.tmpl"}}body{{end}}\n').get('t.tmpl'), 'body');
  });

  it('accepts break as a function name when one is defined', () => {
    const tpl = parseGoTemplate('t', '{{break}}', { funcNames: new Set(['break']) });
    assert.equal(nodeString(tpl.trees.get('t')!), '{{break}}');
  });

  it('parses with custom delimiters', () => {
    const tpl = parseGoTemplate('t', '[[ .X ]] {{x}}', { funcNames, leftDelim: '[[', rightDelim: ']]' });
    assert.equal(nodeString(tpl.trees.get('t')!), '{{.X}} {{x}}');
  });
});
