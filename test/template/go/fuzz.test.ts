import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CtmplError } from '../../../src/errors.js';
import { executeGoTemplate, parseGoTemplate } from '../../../src/template/go/index.js';
import { fromJSON, goFunc, type FuncMap } from '../../../src/template/go/values.js';

/** A small deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '{{', '}}', '{{-', '-}}', ' ', '\n', '.', '.a', '.b.c', '$', '$x', '$x :=', '$x =', ':=', '=', '|', '(', ')', ',',
  'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true',
  '"s"', '`r`', "'c'", '1', '-2', '3.5', '0x1F', '1e3', 'printf', '"%d %s %v %5.2f %q %x"', 'print', 'println',
  'len', 'index', 'slice', 'eq', 'ne', 'lt', 'and', 'or', 'not', 'html', 'js', 'urlquery', 'call', 'up',
  'executeTemplate', '"t"', '/*', '*/', 'text', '{{define "t"}}x{{end}}', '{{range .l}}', '{{end}}', '{{else}}',
];

const SEEDS = [
  '{{range $i, $e := .l}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}',
  '{{with .a}}{{.b.c}}{{else}}none{{end}}',
  '{{define "t"}}[{{.}}]{{end}}{{template "t" .a}}{{block "b" .}}{{len .l}}{{end}}',
  '{{printf "%d-%s" 1 "x" | printf "%q"}} {{index .l 0}} {{slice .s 1 2}}',
  '{{- /* c */ -}} {{$x := 1}}{{$x = 2}}{{$x}}{{and 1 (up "a")}}',
];

const funcs: FuncMap = { up: goFunc(['string'], (s: string) => s.toUpperCase()) };
const data = fromJSON({ a: { b: { c: 'deep' } }, l: [1, 'two', 3.5, null], s: 'héllo', m: { k: 'v' } });

function randomTemplate(next: () => number): string {
  let out = '';
  const length = 1 + Math.floor(next() * 20);
  for (let i = 0; i < length; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

function mutate(text: string, next: () => number): string {
  let out = text;
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    const at = Math.floor(next() * (out.length + 1));
    const op = next();
    if (op < 0.4) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 3));
    else if (op < 0.8) out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)] + out.slice(at);
    else out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 0x3000)) + out.slice(at);
  }
  return out;
}

const POSITIONED = /^template: (t(:\d+(:\d+)?)?: .+|t:\d+:\d+: executing "[^"]*" at <[\s\S]*>: [\s\S]+)$/s;

function check(text: string): void {
  try {
    const tpl = parseGoTemplate('t', text, { funcNames: new Set(Object.keys(funcs)) });
    executeGoTemplate(tpl, data, funcs);
  } catch (error) {
    if (!(error instanceof CtmplError)) assert.fail(`non-CtmplError ${String(error)} for ${JSON.stringify(text)}`);
    assert.match(error.message, POSITIONED, `unpositioned message for ${JSON.stringify(text)}`);
  }
}

describe('Go template engine under fuzzing', () => {
  it('only ever throws positioned CtmplErrors on 2000 random and mutated templates', () => {
    const next = random(20240607);
    const started = Date.now();
    for (let i = 0; i < 2000; i++) {
      const seed = SEEDS[i % SEEDS.length] as string;
      check(i % 2 === 0 ? randomTemplate(next) : mutate(seed, next));
    }
    assert.ok(Date.now() - started < 10_000, 'fuzzing took too long');
  });
});
