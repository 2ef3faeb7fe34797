import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Dependency } from '../../src/types/dependency.js';
import { createRedisBackend } from '../../src/backends/redis.js';
import { CtmplError } from '../../src/errors.js';
import { findBinary } from '../support/binaries.js';
import { waitForError, whileFrozen } from '../support/freeze.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitForData, withWatches } from '../support/watch.js';

const redis = findBinary('redis-server', 'redis-server', 'redis backend');

/** Small enough that a frozen server is noticed within a second or two. */
const TIMEOUT_MS = 500;

/** The connections CLIENT LIST shows, each as its `name=value` fields. */
async function clientList(server: RedisServer): Promise<Map<string, string>[]> {
  const text = String(await server.command('CLIENT', 'LIST'));
  return text
    .trim()
    .split('\n')
    .map((line) => new Map(line.trim().split(' ').map((field) => field.split('=', 2) as [string, string])));
}

/** Waits until CLIENT LIST satisfies `accept`, returning the last list; fails after `timeoutMs`. */
async function clientsWhen(server: RedisServer, accept: (clients: Map<string, string>[]) => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const clients = await clientList(server);
    if (accept(clients) || Date.now() > deadline) return clients;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('redis backend against a frozen server', { skip: redis.skip }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => server?.close());

  const feeds = [
    { name: 'keyspace notifications', extraArgs: [] },
    { name: 'client tracking', extraArgs: ['--rename-command', 'CONFIG', ''] },
  ];
  for (const { name, extraArgs } of feeds) {
    it(`reports an error naming the address while the server is frozen under ${name}, then delivers the latest data`, async () => {
      const frozen = await startRedis({ extraArgs });
      const backend = createRedisBackend({ nodes: [frozen.address], commandTimeoutMs: TIMEOUT_MS });
      try {
        await frozen.put('/frozen/key', 'before');
        await withWatches(backend, [{ type: 'kv.get', key: '/frozen/key' }], async ([events]) => {
          await waitForData(events!, (data) => data === 'before');
          // A change seen first means the watch is past its snapshot, waiting on the change feed.
          await frozen.put('/frozen/key', 'watching');
          await waitForData(events!, (data) => data === 'watching');
          const error = await whileFrozen(frozen.pid, () => waitForError(events!, 10_000));
          assert.ok(error instanceof CtmplError);
          assert.equal(error.code, 'BACKEND');
          assert.equal(error.message, `redis ${frozen.address}: change feed PING timed out after ${TIMEOUT_MS} ms`);
          await frozen.put('/frozen/key', 'after');
          await waitForData(events!, (data) => data === 'after', 15_000);
        });
      } finally {
        await backend.close();
        await frozen.close();
      }
    });
  }

  it('rejects a snapshot within the command timeout while the server is frozen', async () => {
    const backend = createRedisBackend({ nodes: [server.address], commandTimeoutMs: TIMEOUT_MS });
    const fresh = createRedisBackend({ nodes: [server.address], commandTimeoutMs: TIMEOUT_MS });
    const dep: Dependency = { type: 'kv.list', prefix: '/frozen' };
    try {
      await backend.snapshot(dep, AbortSignal.timeout(10_000));
      await whileFrozen(server.pid, async () => {
        const cases = [
          { backend, what: `reading kv.list(/frozen)` },
          { backend: fresh, what: 'connect' },
        ];
        for (const { backend: each, what } of cases) {
          const started = Date.now();
          await assert.rejects(each.snapshot(dep, AbortSignal.timeout(10_000)), (error) => {
            assert.ok(error instanceof CtmplError);
            assert.equal(error.code, 'BACKEND');
            assert.equal(error.message, `redis ${server.address}: ${what} timed out after ${TIMEOUT_MS} ms`);
            return true;
          });
          assert.ok(Date.now() - started < 5_000, `rejected after ${Date.now() - started} ms`);
        }
      });
      assert.ok((await backend.snapshot(dep, AbortSignal.timeout(10_000))).data instanceof Map);
    } finally {
      await backend.close();
      await fresh.close();
    }
  });
});

describe('redis backend change feed connections', { skip: redis.skip }, () => {
  const cases = [
    { name: 'keyspace notifications', extraArgs: [], isFeed: (client: Map<string, string>) => Number(client.get('psub')) > 0 },
    {
      name: 'client tracking',
      extraArgs: ['--rename-command', 'CONFIG', ''],
      isFeed: (client: Map<string, string>) => (client.get('flags') ?? '').includes('t'),
    },
  ];
  for (const { name, extraArgs, isFeed } of cases) {
    it(`serves ten watched prefixes over one subscriber connection with ${name}, closed with the last watch`, async () => {
      const server = await startRedis({ extraArgs });
      const backend = createRedisBackend({ nodes: [server.address] });
      const prefixes = Array.from({ length: 10 }, (_, i) => `/multi${i}`);
      try {
        await withWatches(backend, prefixes.map((prefix) => ({ type: 'kv.list', prefix })), async (events) => {
          await Promise.all(events.map((each) => waitForData(each, () => true)));
          // A change seen by every watch proves every feed is open.
          await Promise.all(prefixes.map((prefix) => server.put(`${prefix}/key`, 'v')));
          await Promise.all(events.map((each, i) => waitForData(each, (data) => (data as Map<string, string>).get(`${prefixes[i]}/key`) === 'v')));
          const clients = await clientList(server);
          assert.equal(clients.filter(isFeed).length, 1, JSON.stringify(clients.map((c) => Object.fromEntries(c))));
          // This CLIENT LIST's own connection, the command connection and the one subscriber.
          assert.equal(clients.length, 3);
        });
        const after = await clientsWhen(server, (clients) => !clients.some(isFeed));
        assert.equal(after.filter(isFeed).length, 0);
      } finally {
        await backend.close();
        await server.close();
      }
    });
  }
});
