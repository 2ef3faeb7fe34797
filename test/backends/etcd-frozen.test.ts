import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Dependency } from '../../src/types/dependency.js';
import { createEtcdBackend } from '../../src/backends/etcd.js';
import { CtmplError } from '../../src/errors.js';
import { findBinary } from '../support/binaries.js';
import { waitForError, whileFrozen } from '../support/freeze.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { waitForData, withWatch, withWatches } from '../support/watch.js';
import { waitFor } from '../support/cli.js';

const etcd = findBinary('etcd', 'etcd-server', 'etcd backend');

/** Small enough that a frozen server is noticed within a few seconds. */
const timing = { requestTimeoutMs: 500, watchIdleTimeoutMs: 1_500 };

describe('etcd backend against a frozen server', { skip: etcd.skip }, () => {
  let server: EtcdServer;
  before(async () => {
    server = await startEtcd();
  });
  after(async () => server?.close());

  it('reports a stalled watch with an error naming the address, then delivers the latest data', async () => {
    await server.put('/frozen/key', 'before');
    const backend = createEtcdBackend({ nodes: [server.url], ...timing });
    try {
      await withWatch(backend, { type: 'kv.get', key: '/frozen/key' }, async (events) => {
        await waitForData(events, (data) => data === 'before');
        // A change seen first means the watch stream is open.
        await server.put('/frozen/key', 'watching');
        await waitForData(events, (data) => data === 'watching');
        const error = await whileFrozen(server.pid, () => waitForError(events, 10_000));
        assert.ok(error instanceof CtmplError);
        assert.equal(error.code, 'BACKEND');
        assert.equal(error.message, `etcd ${server.url}: /v3/watch: no answer for ${timing.watchIdleTimeoutMs} ms`);
        await server.put('/frozen/key', 'after');
        await waitForData(events, (data) => data === 'after', 15_000);
      });
    } finally {
      await backend.close();
    }
  });

  it('keeps a quiet watch on a live server open, its node answering the probes', async () => {
    const backend = createEtcdBackend({ nodes: [server.url], requestTimeoutMs: 500, watchIdleTimeoutMs: 600 });
    try {
      await withWatch(backend, { type: 'kv.list', prefix: '/quiet' }, async (events) => {
        await waitForData(events, () => true);
        // Several idle timeouts pass before the change; a stalled verdict would show up as an error event first.
        setTimeout(() => void server.put('/quiet/key', 'late'), 2_500);
        const next = await events.next();
        assert.equal(next.value?.kind, 'data');
      });
    } finally {
      await backend.close();
    }
  });

  it('probes a node once for all the quiet watches on it, at most every half probe interval', async () => {
    const probeIntervalMs = 100;
    const probeStarts: number[] = [];
    const backend = createEtcdBackend({
      nodes: [server.url],
      requestTimeoutMs: 500,
      watchIdleTimeoutMs: 3_000,
      watchProbeIntervalMs: probeIntervalMs,
      onRequest: (path) => path === '/v3/kv/range' && probeStarts.push(Date.now()),
    });
    const deps: Dependency[] = Array.from({ length: 40 }, (_, i) => ({ type: 'kv.get', key: `/probed/${i}` }));
    try {
      await withWatches(backend, deps, async (events) => {
        await Promise.all(events.map((each) => waitForData(each, () => true)));
        // Asking for the next event opens each watch; none comes, so the watches stay quiet.
        void Promise.allSettled(events.map((each) => each.next()));
        const opened = probeStarts.length;
        await waitFor(() => probeStarts.length >= opened + 6, 'six probes');
        const gaps = probeStarts.slice(opened + 1).map((start, i) => start - probeStarts[opened + i]!);
        // One probe per watch would start 40 in each interval, most of them in the same millisecond.
        assert.ok(Math.min(...gaps) >= probeIntervalMs / 2, `probes started ${gaps.join(', ')} ms apart`);
      });
    } finally {
      await backend.close();
    }
  });

  it('rejects a snapshot within the request timeout while the server is frozen', async () => {
    const backend = createEtcdBackend({ nodes: [server.url], ...timing });
    const dep: Dependency = { type: 'kv.list', prefix: '/frozen' };
    try {
      await backend.snapshot(dep, AbortSignal.timeout(10_000));
      await whileFrozen(server.pid, async () => {
        const started = Date.now();
        await assert.rejects(backend.snapshot(dep, AbortSignal.timeout(10_000)), (error) => {
          assert.ok(error instanceof CtmplError);
          assert.equal(error.code, 'BACKEND');
          assert.equal(error.message, `etcd ${server.url}: /v3/kv/range: timed out after ${timing.requestTimeoutMs} ms`);
          return true;
        });
        assert.ok(Date.now() - started < 5_000, `rejected after ${Date.now() - started} ms`);
      });
      assert.ok((await backend.snapshot(dep, AbortSignal.timeout(10_000))).data instanceof Map);
    } finally {
      await backend.close();
    }
  });
});
