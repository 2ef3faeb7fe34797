import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, runCliInProcess, startCliInProcess, waitFor } from '../support/cli.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/** Go strings are bytes: consul-template and confd copy a value that is not UTF-8 unchanged. */
const values = [
  { name: 'invalid bytes and a NUL between ASCII', hex: '41fffe000142' },
  { name: 'Latin-1 text', hex: '63af74e9' },
  { name: 'valid UTF-8 with a real U+FFFD', hex: 'c3a9efbfbdf09f9880' },
];
const redisBinary = findBinary('redis-server', 'redis-server', 'byte values from redis');
const etcdBinary = findBinary('etcd', 'etcd-server', 'byte values from etcd');

describe('values that are not UTF-8 reach the file byte for byte', { skip: redisBinary.skip ?? etcdBinary.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let redis: RedisServer;
  let etcd: EtcdServer;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    [redis, etcd] = await Promise.all([startRedis(), startEtcd()]);
    await writeFile(join(dir, 'get.tmpl'), '[{{ key "app/v" }}]');
    await writeFile(join(dir, 'ls.tmpl'), '{{ range ls "app/h" }}{{ .Key }}=[{{ .Value }}]{{ end }}');
  });
  after(async () => {
    await Promise.all([redis?.close(), etcd?.close()]);
    await cleanup();
  });

  const stores = [
    {
      name: 'redis',
      args: () => ['-backend', 'redis', '-node', redis.address],
      put: async (key: string, bytes: Buffer) => void (await redis.command('SET', key, bytes)),
      putHashField: async (key: string, field: string, bytes: Buffer) => void (await redis.command('HSET', key, field, bytes)),
    },
    {
      name: 'etcd',
      args: () => ['-backend', 'etcd', '-node', etcd.url],
      put: async (key: string, bytes: Buffer) => void (await etcd.call('/v3/kv/put', { key: Buffer.from(key).toString('base64'), value: bytes.toString('base64') })),
      putHashField: async (key: string, field: string, bytes: Buffer) =>
        void (await etcd.call('/v3/kv/put', { key: Buffer.from(`${key}/${field}`).toString('base64'), value: bytes.toString('base64') })),
    },
  ];
  for (const store of stores) {
    for (const { name, hex } of values) {
      it(`copies ${name} from ${store.name} in once mode`, async () => {
        const bytes = Buffer.from(hex, 'hex');
        await store.put('/app/v', bytes);
        await store.putHashField('/app/h', 'f', bytes);
        const [getDest, lsDest] = [join(dir, `${store.name}-${hex}-get`), join(dir, `${store.name}-${hex}-ls`)];
        const result = await runCliInProcess(['-onetime', ...store.args(), '-template', `${join(dir, 'get.tmpl')}:${getDest}`, '-template', `${join(dir, 'ls.tmpl')}:${lsDest}`]);
        assert.equal(result.code, 0, result.stderr);
        assert.equal((await readFile(getDest)).toString('hex'), Buffer.concat([Buffer.from('['), bytes, Buffer.from(']')]).toString('hex'));
        assert.equal((await readFile(lsDest)).toString('hex'), Buffer.concat([Buffer.from('f=['), bytes, Buffer.from(']')]).toString('hex'));
      });
    }

    it(`leaves an identical byte file alone and follows a change in watch mode on ${store.name}`, async () => {
      const dest = join(dir, `${store.name}-watch`);
      await store.put('/app/v', Buffer.from('41ff42', 'hex'));
      const cli = startCliInProcess([...store.args(), '-template', `${join(dir, 'get.tmpl')}:${dest}`]);
      try {
        await waitFor(async () => (await readFile(dest).catch(() => Buffer.alloc(0))).toString('hex') === '5b41ff425d', 'the first bytes');
        await store.put('/app/v', Buffer.from('41fe42', 'hex'));
        await waitFor(async () => (await readFile(dest)).toString('hex') === '5b41fe425d', 'the changed bytes');
      } finally {
        await cli.stop();
      }
      assert.doesNotMatch(cli.output(), /updated[\s\S]*updated[\s\S]*updated/, 'no rewrite of identical bytes');
    });
  }

  it('copies bytes that are not UTF-8 from a file backend data file', async () => {
    const data = join(dir, 'data.yaml');
    await writeFile(data, Buffer.concat([Buffer.from('app:\n  v: "'), Buffer.from('41ff42', 'hex'), Buffer.from('"\n')]));
    const dest = join(dir, 'file-get');
    const result = await runCliInProcess(['-onetime', '-backend', 'file', '-file', data, '-template', `${join(dir, 'get.tmpl')}:${dest}`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await readFile(dest)).toString('hex'), '5b41ff425d');
  });
});
