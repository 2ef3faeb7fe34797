import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resolver } from '../../../src/template/functions/net.js';
import { call, funcsFor, plain } from './helpers.js';

const resolver: Resolver = {
  lookupIP: (name) => (name === 'db.local' ? ['10.0.0.2', '::1', '10.0.0.1', '10.0.0.2'] : []),
  lookupSRV: (name) =>
    name === '_xmpp._tcp.example.com'
      ? [
          { name: 'b.example.com', port: 5222, priority: 10, weight: 5 },
          { name: 'a.example.com', port: 5222, priority: 20, weight: 0 },
        ]
      : [],
};

describe('DNS functions', () => {
  const f = funcsFor('confd', undefined, {}, { resolver });

  it('lookupIP: sorted, unique', () => assert.deepEqual(call(f, 'lookupIP', 'db.local'), ['10.0.0.1', '10.0.0.2', '::1']));
  it('lookupIPV4 and lookupIPV6 filter by family', () => {
    assert.deepEqual(call(f, 'lookupIPV4', 'db.local'), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(call(f, 'lookupIPV6', 'db.local'), ['::1']);
  });
  it('a failed lookup is an empty list', () => assert.deepEqual(call(f, 'lookupIP', 'nope'), []));
  it('lookupSRV: Go net.SRV structs, targets with a trailing dot, sorted as confd does', () => {
    assert.deepEqual(plain(call(f, 'lookupSRV', 'xmpp', 'tcp', 'example.com')), [
      { Target: 'a.example.com.', Port: 5222, Priority: 20, Weight: 0 },
      { Target: 'b.example.com.', Port: 5222, Priority: 10, Weight: 5 },
    ]);
  });
  it('the system resolver answers synchronously for localhost', () => {
    const ips = call(funcsFor('confd'), 'lookupIP', 'localhost') as string[];
    assert.ok(ips.includes('127.0.0.1') || ips.includes('::1'));
  });
});
