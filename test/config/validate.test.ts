import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { run } from '../../src/cli.js';
import { nodeAddress } from '../../src/config/validate.js';

/** Runs the CLI in-process; resolves to its status and what it wrote to stderr. */
async function runInProcess(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: tmpdir(),
    signal: new AbortController().signal,
  });
  return { code, stderr };
}

const badFlags = [
  { name: 'a node URL with an empty port', argv: ['-backend', 'etcd', '-node', 'http://127.0.0.1:'], line: '-node "http://127.0.0.1:": the port must be a number from 1 to 65535' },
  { name: 'a node port above 65535', argv: ['-backend', 'redis', '-node', '127.0.0.1:99999'], line: '-node "127.0.0.1:99999": the port must be a number from 1 to 65535' },
  { name: 'a node port of 0', argv: ['-backend', 'etcd', '-node', '127.0.0.1:0'], line: '-node "127.0.0.1:0": the port must be a number from 1 to 65535' },
  { name: 'a node URL with a password and a bad port, without showing the password', argv: ['-backend', 'redis', '-node', 'redis://:s3cret@127.0.0.1:70000'], line: '-node "redis://:xxxxx@127.0.0.1:70000": the port must be a number from 1 to 65535' },
  { name: 'a node without a host', argv: ['-backend', 'etcd', '-node', 'http://:2379'], line: '-node "http://:2379": want host:port or a URL with a host' },
  { name: 'a Consul address with a word for a port', argv: ['-consul-addr', 'localhost:http'], line: '-consul-addr "localhost:http": the port must be a number from 1 to 65535' },
  { name: 'a negative lookup timeout', argv: ['-lookup-timeout', '-1s'], line: '-lookup-timeout "-1s": want a duration greater than 0, e.g. 500ms, 10s, 1m' },
  { name: 'a zero lookup timeout', argv: ['-lookup-timeout', '0s'], line: '-lookup-timeout "0s": want a duration greater than 0, e.g. 500ms, 10s, 1m' },
  { name: 'a blocked warning that is not a duration', argv: ['-blocked-warning', 'soon'], line: '-blocked-warning "soon": want a duration greater than 0, e.g. 500ms, 10s, 1m' },
  { name: 'a command timeout without a unit it knows', argv: ['-command-timeout', '10x'], line: '-command-timeout "10x": want a duration greater than 0, e.g. 500ms, 10s, 1m' },
  { name: 'a negative -retry-max', argv: ['-retry-max', '-3'], line: '-retry-max "-3": want a number greater than 0' },
  { name: 'a fractional -retry-max', argv: ['-retry-max', '1.5'], line: '-retry-max "1.5": want a whole number of at least 1' },
  { name: 'a zero -retry-max', argv: ['-retry-max', '0'], line: '-retry-max "0": want a number greater than 0' },
  { name: 'a negative interval', argv: ['-interval', '-5'], line: '-interval "-5": want a number greater than 0' },
  { name: 'an unknown backend', argv: ['-backend', 'zookeeper2'], line: '-backend "zookeeper2": want one of file, env, etcd, etcdv3, redis, consul, zookeeper, vault' },
  { name: 'an unknown flavor', argv: ['-flavor', 'jinja'], line: '-flavor "jinja": want one of confd, consul-template' },
  { name: 'an unknown log level', argv: ['-log-level', 'loud'], line: '-log-level "loud": want one of debug, info, warn, error' },
];

describe('flag values are validated before anything runs', () => {
  for (const { name, argv, line } of badFlags) {
    it(`refuses ${name} with exit 64 and one line naming the flag and the value`, async () => {
      const { code, stderr } = await runInProcess(argv);
      assert.equal(code, 64, stderr);
      const [first, ...rest] = stderr.trimEnd().split('\n');
      assert.equal(first, `ctmpl: ${line}`);
      assert.deepEqual(rest, ['Run "ctmpl -help" for usage.']);
    });
  }
});

describe('nodeAddress', () => {
  const good = ['127.0.0.1:2379', 'http://127.0.0.1:2379', 'https://etcd.example:2379/', 'localhost', '[::1]:6379', '/run/redis.sock', '/run/redis.sock/2', 'redis://:pw@127.0.0.1:6379/1', '127.0.0.1:6379/3'];
  for (const node of good) it(`accepts ${node}`, () => assert.equal(nodeAddress(node, 'node'), node));
});
