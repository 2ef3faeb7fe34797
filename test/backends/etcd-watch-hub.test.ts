import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Dependency } from '../../src/types/dependency.js';
import { createEtcdBackend } from '../../src/backends/etcd.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { waitForData, withWatches } from '../support/watch.js';

const etcd = findBinary('etcd', 'etcd-server', 'etcd shared watch stream');
const openDescriptors = () => readdirSync('/proc/self/fd').length;

describe('etcd watches share one stream', { skip: etcd.skip }, () => {
  let server: EtcdServer;
  before(async () => (server = await startEtcd()));
  after(() => server?.close());

  it('holds a bounded number of descriptors for 200 watched keys and routes each change to its own watcher', async () => {
    const backend = createEtcdBackend({ nodes: [server.url] });
    const deps: Dependency[] = Array.from({ length: 200 }, (_, i) => ({ type: 'kv.get', key: `/hub/k${i}` }));
    const before = openDescriptors();
    try {
      await withWatches(backend, deps, async (events) => {
        await Promise.all(events.map((each) => waitForData(each, (data) => data === null)));
        // One after another: the test's own client would otherwise open a connection per put.
        for (let i = 0; i < deps.length; i += 1) await server.put(`/hub/k${i}`, `v${i}`);
        await Promise.all(events.map((each, i) => waitForData(each, (data) => data === `v${i}`)));
        const held = openDescriptors() - before;
        assert.ok(held <= 12, `200 watches hold ${held} more descriptors`);
        await server.put('/hub/k7', 'only-seven');
        await waitForData(events[7]!, (data) => data === 'only-seven');
      });
    } finally {
      await backend.close();
    }
  });

  it('resumes every watch where it was after the server restarts, without losing a change', async () => {
    const backend = createEtcdBackend({ nodes: [server.url], requestTimeoutMs: 2000 });
    const deps: Dependency[] = Array.from({ length: 20 }, (_, i) => ({ type: 'kv.list', prefix: `/restart/p${i}` }));
    try {
      await withWatches(backend, deps, async (events) => {
        await Promise.all(events.map((each) => waitForData(each, (data) => data instanceof Map)));
        await server.stop();
        await server.start();
        await Promise.all(deps.map((_, i) => server.put(`/restart/p${i}/x`, `after-${i}`)));
        await Promise.all(events.map((each, i) => waitForData(each, (data) => (data as Map<string, string>).get(`/restart/p${i}/x`) === `after-${i}`, 30_000)));
      });
    } finally {
      await backend.close();
    }
  });

  it('re-reads a watch whose start was compacted while others on the stream carry on', async () => {
    const backend = createEtcdBackend({ nodes: [server.url] });
    try {
      await server.put('/compact/a', 'a1');
      const old = await backend.snapshot({ type: 'kv.get', key: '/compact/a' }, AbortSignal.timeout(10_000));
      await server.put('/compact/a', 'a2');
      await server.put('/compact/b', 'b1');
      await server.compact();
      const controller = new AbortController();
      const a = backend.changes({ type: 'kv.get', key: '/compact/a' }, old.cursor, controller.signal)[Symbol.asyncIterator]();
      const first = await a.next();
      assert.equal(first.value?.data, 'a2', 'the latest data after the compaction');
      await server.put('/compact/a', 'a3');
      assert.equal((await a.next()).value?.data, 'a3');
      controller.abort();
      await a.return?.(undefined);
    } finally {
      await backend.close();
    }
  });
});
