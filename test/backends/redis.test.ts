import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KvList } from '../../src/backends/backend.js';
import type { Dependency } from '../../src/types/dependency.js';
import { createRedisBackend, type RedisOptions } from '../../src/backends/redis.js';
import { CtmplError } from '../../src/errors.js';
import { describeBackendContract, type StoreUnderTest } from './contract.js';
import { waitForData, watchEvents } from '../support/watch.js';
import { findBinary } from '../support/binaries.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const redis = findBinary('redis-server', 'redis-server', 'redis backend');

async function openRedisStore(): Promise<StoreUnderTest> {
  const server = await startRedis();
  const backend = createRedisBackend({ nodes: [server.address] });
  return {
    backend,
    put: (key, value) => server.put(key, value),
    delete: (key) => server.delete(key),
    async restart() {
      await server.stop();
      await server.start();
    },
    async close() {
      await backend.close();
      await server.close();
    },
  };
}

describeBackendContract('redis', openRedisStore, redis.skip);

const list = (data: unknown) => data as KvList;
const signal = () => AbortSignal.timeout(10_000);

/** Opens a backend on `server`, runs `body`, and closes it. */
async function withBackend(server: RedisServer, options: Partial<RedisOptions>, body: (backend: ReturnType<typeof createRedisBackend>, logs: string[]) => Promise<void>) {
  const logs: string[] = [];
  const backend = createRedisBackend({ nodes: [server.address], log: (_level, message) => logs.push(message), ...options });
  try {
    await body(backend, logs);
  } finally {
    await backend.close();
  }
}

/** Watches `dep`, runs `change` once the first data arrived, and waits for data `accept` holds for. */
async function seeChange(backend: ReturnType<typeof createRedisBackend>, dep: Dependency, change: () => Promise<void>, accept: (data: unknown) => boolean) {
  const controller = new AbortController();
  const events = watchEvents(backend, dep, controller.signal)[Symbol.asyncIterator]();
  try {
    await waitForData(events, () => true);
    await change();
    return await waitForData(events, accept);
  } finally {
    controller.abort();
    await events.return?.(undefined);
  }
}

describe('redis backend', { skip: redis.skip }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => server?.close());

  it('reads hash fields as paths under the hash key, by list and by key', async () => {
    await server.command('HSET', '/hash/db', 'host', 'db.local', 'port', '5432');
    await server.put('/hash/name', 'app');
    await withBackend(server, {}, async (backend) => {
      const tree = await backend.snapshot({ type: 'kv.list', prefix: '/hash' }, signal());
      assert.deepEqual([...list(tree.data)], [
        ['/hash/db/host', 'db.local'],
        ['/hash/db/port', '5432'],
        ['/hash/name', 'app'],
      ]);
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/hash/db/host' }, signal())).data, 'db.local');
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/hash/db/user' }, signal())).data, null);
    });
  });

  it('sees a hash field change through kv.get of the field', async () => {
    await server.command('HSET', '/hwatch/db', 'host', 'old');
    await withBackend(server, {}, async (backend) => {
      const dep: Dependency = { type: 'kv.get', key: '/hwatch/db/host' };
      const seen = await seeChange(backend, dep, () => server.command('HSET', '/hwatch/db', 'host', 'new').then(() => {}), (d) => d === 'new');
      assert.equal(seen.data, 'new');
    });
  });

  it('maps keys stored with separator ":" to slash paths', async () => {
    await server.command('SET', 'sep:port', '8080');
    await server.command('HSET', 'sep:db', 'host', 'db.local');
    await server.command('SET', 'sepx:other', 'sibling');
    await withBackend(server, { separator: ':' }, async (backend) => {
      const tree = await backend.snapshot({ type: 'kv.list', prefix: '/sep' }, signal());
      assert.deepEqual([...list(tree.data)], [
        ['/sep/db/host', 'db.local'],
        ['/sep/port', '8080'],
      ]);
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/sep/port' }, signal())).data, '8080');
      const seen = await seeChange(backend, { type: 'kv.get', key: '/sep/port' }, () => server.command('SET', 'sep:port', '9090').then(() => {}), (d) => d === '9090');
      assert.equal(seen.data, '9090');
    });
  });

  it('matches glob characters in a prefix literally', async () => {
    await server.put('/glob*/a', 'star');
    await server.put('/globx/a', 'other');
    await withBackend(server, {}, async (backend) => {
      const tree = await backend.snapshot({ type: 'kv.list', prefix: '/glob*' }, signal());
      assert.deepEqual([...list(tree.data)], [['/glob*/a', 'star']]);
    });
  });

  it('rejects with a backend error naming the address when no node answers', async () => {
    const backend = createRedisBackend({ nodes: ['127.0.0.1:1'] });
    try {
      await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/x' }, signal()), (error) => {
        assert.ok(error instanceof CtmplError);
        assert.equal(error.code, 'BACKEND');
        assert.match(error.message, /^redis 127\.0\.0\.1:1: /);
        return true;
      });
    } finally {
      await backend.close();
    }
  });

  it('fails over to the next node when the first refuses connections', async () => {
    await server.put('/failover', 'ok');
    const backend = createRedisBackend({ nodes: ['127.0.0.1:1', server.address] });
    try {
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/failover' }, signal())).data, 'ok');
    } finally {
      await backend.close();
    }
  });

  it('serves only kv.get and kv.list', () => {
    const backend = createRedisBackend({ nodes: [server.address] });
    assert.equal(backend.supports({ type: 'kv.list', prefix: '/a' }), true);
    assert.equal(backend.supports({ type: 'catalog.nodes' }), false);
  });
});

describe('redis backend with a password', { skip: redis.skip }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis({ password: 'secret' });
    await server.put('/auth/key', 'guarded');
  });
  after(async () => server?.close());

  const cases: { name: string; password?: string }[] = [
    { name: 'a wrong password', password: 'wrong' },
    { name: 'no password' },
  ];
  for (const { name, password } of cases) {
    it(`rejects ${name} with an authentication error naming the address`, async () => {
      const backend = createRedisBackend({ nodes: [server.address], ...(password ? { password } : {}) });
      try {
        await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/auth/key' }, signal()), (error) => {
          assert.ok(error instanceof CtmplError);
          assert.equal(error.code, 'BACKEND');
          assert.ok(error.message.startsWith(`redis ${server.address}: authentication failed: `), error.message);
          return true;
        });
      } finally {
        await backend.close();
      }
    });
  }

  it('reads with the right password', async () => {
    const backend = createRedisBackend({ nodes: [server.address], password: 'secret' });
    try {
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/auth/key' }, signal())).data, 'guarded');
    } finally {
      await backend.close();
    }
  });
});

describe('redis backend change feeds', { skip: redis.skip }, () => {
  const cases = [
    { name: 'keyspace notifications when CONFIG is allowed', extraArgs: [], kind: 'keyspace' },
    { name: 'client tracking when CONFIG is refused', extraArgs: ['--rename-command', 'CONFIG', ''], kind: 'tracking' },
    {
      name: 'polling when CONFIG and CLIENT are refused',
      extraArgs: ['--rename-command', 'CONFIG', '', '--rename-command', 'CLIENT', ''],
      kind: 'poll',
    },
  ];
  for (const { name, extraArgs, kind } of cases) {
    it(`follows changes with ${name}`, async () => {
      const server = await startRedis({ extraArgs });
      try {
        await server.put('/feed/a', '1');
        await withBackend(server, { pollIntervalMs: 50 }, async (backend, logs) => {
          const dep: Dependency = { type: 'kv.list', prefix: '/feed' };
          const seen = await seeChange(backend, dep, () => server.put('/feed/b', '2'), (d) => list(d).get('/feed/b') === '2');
          assert.deepEqual([...list(seen.data)], [
            ['/feed/a', '1'],
            ['/feed/b', '2'],
          ]);
          assert.ok(logs.some((line) => line.endsWith(`via ${kind}`)), logs.join('\n'));
        });
      } finally {
        await server.close();
      }
    });
  }
});
