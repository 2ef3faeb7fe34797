import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Dependency } from '../../src/types/dependency.js';
import { createEtcdBackend } from '../../src/backends/etcd.js';
import { CtmplError } from '../../src/errors.js';
import { findBinary } from '../support/binaries.js';
import { waitForError, whileFrozen } from '../support/freeze.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { waitForData, withWatch } from '../support/watch.js';

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
