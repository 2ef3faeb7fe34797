import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactCredentials, splitCredentials } from '../src/redact.js';

describe('credentials in node addresses', () => {
  const splits = [
    { name: 'a redis URL with a password only', node: 'redis://:pw@127.0.0.1:6379', want: { address: 'redis://127.0.0.1:6379', password: 'pw' } },
    { name: 'an http URL with user and escaped password', node: 'http://user:p%40ss@host:2379', want: { address: 'http://host:2379', username: 'user', password: 'p@ss' } },
    { name: 'a host:port without a scheme', node: ':pw@127.0.0.1:6379/2', want: { address: '127.0.0.1:6379/2', password: 'pw' } },
    { name: 'a user without a password', node: 'http://user@host:8500', want: { address: 'http://host:8500', username: 'user' } },
    { name: 'an address without credentials', node: 'http://127.0.0.1:2379', want: { address: 'http://127.0.0.1:2379' } },
  ];
  for (const { name, node, want } of splits) {
    it(`splits ${name}`, () => assert.deepEqual(splitCredentials(node), want));
  }

  const redactions = [
    { name: 'a redis URL in an error line', text: 'redis redis://:pw@127.0.0.1:6379: ECONNREFUSED', want: 'redis redis://:xxxxx@127.0.0.1:6379: ECONNREFUSED' },
    { name: 'several etcd URLs', text: 'etcd http://u:s1@a:1,http://v:s2@b:2', want: 'etcd http://u:xxxxx@a:1,http://v:xxxxx@b:2' },
    { name: 'a schemeless address', text: 'cannot resolve :pw@127.0.0.1', want: 'cannot resolve :xxxxx@127.0.0.1' },
    { name: 'an e-mail address (left alone)', text: 'mail bob@example.com', want: 'mail bob@example.com' },
    { name: 'a clock time followed by an @ (left alone)', text: 'at 12:30 x@y', want: 'at 12:30 x@y' },
  ];
  for (const { name, text, want } of redactions) {
    it(`masks ${name}`, () => assert.equal(redactCredentials(text), want));
  }
});
