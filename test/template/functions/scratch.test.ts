import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GO_TYPE_NAME, type GoStruct, type GoValue } from '../../../src/template/go/values.js';
import { methodOf } from '../../../src/template/functions/methods.js';
import { compileTemplate } from '../../../src/template/render.js';
import { call, funcsFor, plain } from './helpers.js';

function scratchOf() {
  const s = call(funcsFor('consul-template'), 'scratch') as GoStruct;
  return { s, m: (name: string, ...args: GoValue[]) => methodOf(s, name)!.call(...args) };
}

describe('scratch', () => {
  it('is a *template.Scratch with methods', () => {
    const { s } = scratchOf();
    assert.equal(s[GO_TYPE_NAME], '*template.Scratch');
    for (const name of ['Key', 'Get', 'Set', 'SetX', 'MapSet', 'MapSetX', 'MapValues']) assert.ok(methodOf(s, name), name);
  });

  it('returns the same scratch for the whole render', () => {
    const f = funcsFor('consul-template');
    assert.equal(call(f, 'scratch'), call(f, 'scratch'));
  });

  it('starts empty in each render of a template, whose function map serves every render', async () => {
    const template = await compileTemplate({
      name: 'x.tmpl',
      text: '{{ if scratch.Key "seen" }}again{{ else }}first{{ end }}{{ scratch.Set "seen" true }} {{ key "k" }}',
      dialect: 'go',
      flavor: 'consul-template',
    });
    const options = { env: {}, prefix: '/', denylist: [] };
    const [key] = template.render(new Map(), options).missing.keys();
    const first = template.render(new Map([[key!, 'one']]), options);
    const second = template.render(new Map([[key!, 'two']]), options);
    assert.deepEqual([first.output, second.output], ['first one', 'first two']);
    assert.deepEqual([...second.used.keys()], [key]);
  });

  it('Set, SetX, Get, Key', () => {
    const { m } = scratchOf();
    assert.equal(m('Set', 'k', 'v'), '');
    m('SetX', 'k', 'other');
    assert.equal(m('Get', 'k'), 'v');
    assert.equal(m('Key', 'k'), true);
    assert.equal(m('Key', 'nope'), false);
    assert.equal(m('Get', 'nope'), null);
  });

  it('MapSet, MapSetX, MapValues sorted by key', () => {
    const { m } = scratchOf();
    m('MapSet', 'm', 'b', 2);
    m('MapSet', 'm', 'a', 1);
    m('MapSetX', 'm', 'a', 9);
    assert.deepEqual(plain(m('MapValues', 'm')), [1, 2]);
    assert.deepEqual(m('MapValues', 'none'), []);
  });

  it('MapSet on a non-map fails', () => {
    const { m } = scratchOf();
    m('Set', 'k', 'v');
    assert.throws(() => m('MapSet', 'k', 'a', 1), { message: '"k" is not a map' });
  });
});
