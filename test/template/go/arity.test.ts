import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkArity, type FunctionShape } from '../../../src/template/go/arity.js';
import { BUILTINS } from '../../../src/template/go/builtins.js';
import { parseTemplateSet } from '../../../src/template/go/parser.js';

const shapes: Record<string, FunctionShape> = {
  one: { params: ['string'] },
  two: { params: ['string', 'string'] },
  many: { params: ['string'], variadic: 'string' },
  none: { params: [] },
};
const shapeOf = (name: string) => shapes[name] ?? BUILTINS[name];

/** Templates and the problems the check must find, as `offset: message`. */
const cases: { name: string; text: string; problems: string[] }[] = [
  { name: 'accepts calls with the right counts', text: '{{ one "a" }}{{ two "a" "b" }}{{ many "a" "b" "c" }}{{ none }}', problems: [] },
  { name: 'counts a piped value as the last argument', text: '{{ "a" | one }}{{ "b" | two "a" }}', problems: [] },
  { name: 'finds too many and too few arguments', text: '{{ one }}{{ two "a" "b" "c" }}', problems: ['3: wrong number of args for one: want 1 got 0', '12: wrong number of args for two: want 2 got 3'] },
  { name: 'finds a variadic call below its fixed parameters', text: '{{ many }}', problems: ['3: wrong number of args for many: want at least 1 got 0'] },
  { name: 'counts a piped value against a function that takes none', text: '{{ "a" | none }}', problems: ['9: wrong number of args for none: want 0 got 1'] },
  { name: 'looks inside branches, else branches, parentheses and define', text: '{{ if one }}{{ else }}{{ with (two "a") }}{{ end }}{{ end }}{{ define "x" }}{{ many }}{{ end }}', problems: ['6: wrong number of args for one: want 1 got 0', '31: wrong number of args for two: want 2 got 1', '79: wrong number of args for many: want at least 1 got 0'] },
  { name: 'checks a bare function name used as an argument as a call without arguments', text: '{{ two "a" one }}', problems: ['11: wrong number of args for one: want 1 got 0'] },
  { name: 'checks builtins too', text: '{{ len }}{{ index }}', problems: ['3: wrong number of args for len: want 1 got 0', '12: wrong number of args for index: want at least 1 got 0'] },
];

describe('the static argument-count check', () => {
  for (const { name, text, problems } of cases) {
    it(name, () => {
      const trees = parseTemplateSet('t', text, { leftDelim: '{{', rightDelim: '}}', hasFunction: (fn) => fn in shapes || fn in BUILTINS });
      assert.deepEqual(checkArity(trees, shapeOf).map((p) => `${p.pos}: ${p.message}`), problems);
    });
  }
});
