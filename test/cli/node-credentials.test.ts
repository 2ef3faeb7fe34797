import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, runCliInProcess, startCliInProcess, waitFor } from '../support/cli.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { freePort } from '../support/ports.js';

const secret = 'pw-Zq81secret';
const redisBinary = findBinary('redis-server', 'redis-server', 'credentials in redis node URLs');
const etcdBinary = findBinary('etcd', 'etcd-server', 'credentials in etcd node URLs');

describe('credentials in node URLs through the CLI', { skip: redisBinary.skip ?? etcdBinary.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let redis: RedisServer;
  let etcd: EtcdServer;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    [redis, etcd] = await Promise.all([startRedis({ password: secret }), startEtcd({ auth: { user: 'root', password: secret } })]);
    await Promise.all([redis.put('/app/x', 'from-redis'), etcd.put('/app/x', 'from-etcd')]);
    await writeFile(join(dir, 'in.tmpl'), 'x={{ key "app/x" }}\n');
  });
  after(async () => {
    await Promise.all([redis?.close(), etcd?.close()]);
    await cleanup();
  });

  const backends = [
    { name: 'redis with AUTH', backend: 'redis', node: () => `redis://:${secret}@${redis.address}`, want: 'x=from-redis\n' },
    { name: 'etcd with user and password', backend: 'etcd', node: () => etcd.url.replace('://', `://root:${secret}@`), want: 'x=from-etcd\n' },
  ];
  for (const { name, backend, node, want } of backends) {
    it(`uses the credentials of the URL on ${name} and never prints them`, async () => {
      const dest = join(dir, `${backend}.conf`);
      const result = await runCliInProcess(['-onetime', '-log-level', 'debug', '-backend', backend, '-node', node(), '-template', `${join(dir, 'in.tmpl')}:${dest}`]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await readIfExists(dest), want);
      assert.doesNotMatch(result.stdout + result.stderr, new RegExp(secret));
    });

    it(`masks the credentials of the URL in -noop output on ${name}`, async () => {
      const result = await runCliInProcess(['-onetime', '-noop', '-log-level', 'debug', '-backend', backend, '-node', node(), '-template', `${join(dir, 'in.tmpl')}:${join(dir, 'noop.conf')}`]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /\+x=from/);
      assert.doesNotMatch(result.stdout + result.stderr, new RegExp(secret));
    });
  }

  const unreachable = [
    { name: 'redis', backend: 'redis', node: (port: number) => `redis://:${secret}@127.0.0.1:${port}` },
    { name: 'etcd', backend: 'etcd', node: (port: number) => `http://root:${secret}@127.0.0.1:${port}` },
    { name: 'consul', backend: 'consul', node: (port: number) => `http://root:${secret}@127.0.0.1:${port}` },
  ];
  for (const { name, backend, node } of unreachable) {
    it(`names an unreachable ${name} node without its password`, async () => {
      const port = await freePort();
      const result = await runCliInProcess(['-onetime', '-lookup-timeout', '2s', '-backend', backend, '-node', node(port), '-template', `${join(dir, 'in.tmpl')}:${join(dir, 'never.conf')}`]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(result.stderr, new RegExp(secret));
      assert.equal(await readIfExists(join(dir, 'never.conf')), undefined);
    });
  }

  it('keeps the password out of the log and /metrics of a running daemon refused by the server', async () => {
    const statusPort = await freePort();
    const cli = startCliInProcess(['-backend', 'redis', '-node', `redis://:wrong-${secret}@${redis.address}`, '-status-addr', `127.0.0.1:${statusPort}`, '-template', `${join(dir, 'in.tmpl')}:${join(dir, 'daemon.conf')}`]);
    try {
      await waitFor(() => /authentication failed|WRONGPASS/i.test(cli.output()), 'the refusal to be logged');
      const metrics = await waitFor(async () => (await fetch(`http://127.0.0.1:${statusPort}/metrics`)).text(), '/metrics to answer');
      assert.doesNotMatch(cli.output() + metrics, new RegExp(secret));
    } finally {
      await cli.stop();
    }
  });
});
