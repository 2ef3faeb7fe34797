import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { executeGoTemplate, parseGoTemplate } from '../../../src/template/go/index.js';
import { GO_METHODS, GO_TYPE_NAME, goFunc, type FuncMap, type GoValue } from '../../../src/template/go/values.js';

/** A tiny value with methods, like consul-template's *Scratch. */
function counterFuncs(): FuncMap {
  const values = new Map<string, GoValue>();
  const scratch = {
    [GO_TYPE_NAME]: '*template.Scratch',
    [GO_METHODS]: {
      Set: goFunc(['string', 'any'], (key: string, value: GoValue) => (values.set(key, value), '')),
      Get: goFunc(['string'], (key: string) => values.get(key) ?? null),
    },
  };
  return { scratch: goFunc([], () => scratch) };
}

describe('method calls on values with methods', () => {
  const cases = [
    { name: 'calls a method with arguments after a function', text: '{{scratch.Set "a" "b"}}{{scratch.Get "a"}}', want: 'b' },
    { name: 'calls a method on a variable', text: '{{$s := scratch}}{{$s.Set "k" 1}}{{$s.Get "k"}}', want: '1' },
    { name: 'passes dot as a method argument', text: '{{with "v"}}{{scratch.Set "d" .}}{{end}}{{scratch.Get "d"}}', want: 'v' },
    { name: 'takes the piped value as the last argument', text: '{{"p" | scratch.Set "x"}}{{scratch.Get "x"}}', want: 'p' },
  ];
  for (const { name, text, want } of cases) {
    it(name, () => {
      const funcs = counterFuncs();
      const tpl = parseGoTemplate('m', text, { funcNames: new Set(Object.keys(funcs)) });
      assert.equal(executeGoTemplate(tpl, undefined, funcs), want);
    });
  }

  it('checks method arity with Go\'s message', () => {
    const funcs = counterFuncs();
    const tpl = parseGoTemplate('m', '{{scratch.Get}}', { funcNames: new Set(Object.keys(funcs)) });
    assert.throws(() => executeGoTemplate(tpl, undefined, funcs), /wrong number of args for Get: want 1 got 0/);
  });
});
