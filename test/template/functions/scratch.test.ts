import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GO_TYPE_NAME, type GoStruct, type GoValue } from '../../../src/template/go/values.js';
import { methodOf } from '../../../src/template/functions/methods.js';
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
