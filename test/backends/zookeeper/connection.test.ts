import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNode } from '../../../src/backends/zookeeper/connection.js';
import { CtmplError } from '../../../src/errors.js';

describe('parseNode', () => {
  const cases = [
    { name: 'host and port', input: '10.0.0.1:2182', host: '10.0.0.1', port: 2182 },
    { name: 'a host alone gets port 2181', input: 'zk1.example', host: 'zk1.example', port: 2181 },
    { name: 'a bracketed IPv6 address', input: '[::1]:2183', host: '::1', port: 2183 },
    { name: 'surrounding spaces are trimmed', input: ' 127.0.0.1:2181 ', host: '127.0.0.1', port: 2181 },
  ];
  for (const { name, input, host, port } of cases) {
    it(`parses ${name}`, () => {
      assert.deepEqual(parseNode(input), { address: input.trim(), host, port });
    });
  }

  it('refuses a node it cannot read as host:port, naming it', () => {
    assert.throws(() => parseNode('a:b:c'), (error: unknown) => error instanceof CtmplError && /"a:b:c"/.test(error.message));
  });
});
