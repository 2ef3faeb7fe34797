import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, KvList, Snapshot } from '../../src/backends/backend.js';
import type { Dependency } from '../../src/types/dependency.js';
import { createEtcdBackend } from '../../src/backends/etcd.js';
import { CtmplError } from '../../src/errors.js';
import { describeBackendContract, type StoreUnderTest } from './contract.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';

const etcd = findBinary('etcd', 'etcd-server', 'etcd backend');

async function openEtcdStore(): Promise<StoreUnderTest> {
  const server = await startEtcd();
  const backend = createEtcdBackend({ nodes: [server.url] });
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

describeBackendContract('etcd', openEtcdStore, etcd.skip);

/** Iterates `changes` until `accept` holds; the watch is closed on return. */
async function nextMatching(
  backend: Backend,
  dep: Dependency,
  cursor: string,
  accept: (data: unknown) => boolean,
  whileWatching: () => Promise<void> = async () => {},
): Promise<Snapshot> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 15_000);
  const changes = backend.changes(dep, cursor, controller.signal)[Symbol.asyncIterator]();
  try {
    const first = changes.next();
    await whileWatching();
    for (let next = await first; !next.done; next = await changes.next()) {
      if (accept(next.value.data)) return next.value;
    }
    throw new Error('changes ended without the expected data');
  } finally {
    clearTimeout(timer);
    controller.abort();
    await changes.return?.();
  }
}

const list = (data: unknown) => data as KvList;

describe('etcd backend', { skip: etcd.skip }, () => {
  let server: EtcdServer;
  before(async () => {
    server = await startEtcd();
  });
  after(async () => server?.close());

  it('lists the prefix key itself and its children, but not a sibling that shares the prefix', async () => {
    const backend = createEtcdBackend({ nodes: [server.url.replace('http://', '')] });
    try {
      await server.put('/iso', 'self');
      await server.put('/iso/a', '1');
      await server.put('/iso-b', 'sibling');
      await server.put('/isolated/c', 'sibling');
      const snapshot = await backend.snapshot({ type: 'kv.list', prefix: '/iso/' }, AbortSignal.timeout(10_000));
      assert.deepEqual([...list(snapshot.data)], [
        ['/iso', 'self'],
        ['/iso/a', '1'],
      ]);
    } finally {
      await backend.close();
    }
  });

  it('applies many watch events as deltas without reading the prefix again', async () => {
    const ranges: string[] = [];
    const backend = createEtcdBackend({ nodes: [server.url], onRequest: (path) => path === '/v3/kv/range' && ranges.push(path) });
    const dep: Dependency = { type: 'kv.list', prefix: '/delta' };
    try {
      await server.put('/delta/seed', 'x');
      const first = await backend.snapshot(dep, AbortSignal.timeout(10_000));
      const rangesAfterSnapshot = ranges.length;
      const last = await nextMatching(backend, dep, first.cursor, (d) => list(d).get('/delta/k49') === 'v49', async () => {
        for (let i = 0; i < 50; i += 1) await server.put(`/delta/k${i}`, `v${i}`);
        await server.delete('/delta/seed');
      });
      assert.equal(ranges.length, rangesAfterSnapshot);
      const keys = [...list(last.data).keys()];
      assert.deepEqual(keys, [...keys].sort());
      assert.ok(keys.length >= 50);
    } finally {
      await backend.close();
    }
  });

  it('re-reads and resumes when the watch starts at a compacted revision', async () => {
    const logs: string[] = [];
    const backend = createEtcdBackend({ nodes: [server.url], log: (_level, message) => logs.push(message) });
    const dep: Dependency = { type: 'kv.get', key: '/compact/key' };
    try {
      await server.put('/compact/key', 'old');
      const first = await backend.snapshot(dep, AbortSignal.timeout(10_000));
      await server.put('/compact/key', 'newer');
      await server.put('/compact/other', 'x');
      await server.compact();
      const recovered = await nextMatching(backend, dep, first.cursor, (d) => d === 'latest', async () => {
        await server.put('/compact/key', 'latest');
      });
      assert.equal(recovered.data, 'latest');
      assert.ok(logs.some((line) => line.includes('was compacted')), logs.join('\n'));
    } finally {
      await backend.close();
    }
  });

  it('yields the latest data first when the cursor was compacted away', async () => {
    const backend = createEtcdBackend({ nodes: [server.url] });
    const dep: Dependency = { type: 'kv.get', key: '/compact2/key' };
    try {
      await server.put('/compact2/key', 'old');
      const other = createEtcdBackend({ nodes: [server.url] });
      const stale = await other.snapshot(dep, AbortSignal.timeout(10_000));
      await other.close();
      await server.put('/compact2/key', 'new');
      await server.compact();
      const next = await nextMatching(backend, dep, stale.cursor, () => true);
      assert.equal(next.data, 'new');
    } finally {
      await backend.close();
    }
  });

  it('fails over to the next node when the first refuses connections', async () => {
    const backend = createEtcdBackend({ nodes: ['http://127.0.0.1:1', server.url] });
    try {
      await server.put('/failover', 'ok');
      const snapshot = await backend.snapshot({ type: 'kv.get', key: '/failover' }, AbortSignal.timeout(10_000));
      assert.equal(snapshot.data, 'ok');
    } finally {
      await backend.close();
    }
  });

  it('rejects with a backend error naming the address when no node answers', async () => {
    const backend = createEtcdBackend({ nodes: ['127.0.0.1:1'] });
    try {
      await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/x' }, AbortSignal.timeout(10_000)), (error) => {
        assert.ok(error instanceof CtmplError);
        assert.equal(error.code, 'BACKEND');
        assert.match(error.message, /^etcd http:\/\/127\.0\.0\.1:1: /);
        return true;
      });
    } finally {
      await backend.close();
    }
  });

  it('serves only kv.get and kv.list', () => {
    const backend = createEtcdBackend({ nodes: [server.url] });
    assert.equal(backend.supports({ type: 'kv.get', key: '/a' }), true);
    assert.equal(backend.supports({ type: 'kv.list', prefix: '/a' }), true);
    assert.equal(backend.supports({ type: 'catalog.services' }), false);
    assert.equal(backend.supports({ type: 'health.service', name: 'web', filters: ['passing'] }), false);
  });
});

describe('etcd backend with auth', { skip: etcd.skip }, () => {
  const auth = { user: 'root', password: 'secret' };
  let server: EtcdServer;
  before(async () => {
    server = await startEtcd({ auth });
    await server.put('/auth/key', 'guarded');
  });
  after(async () => server?.close());

  it('reads with the right password', async () => {
    const backend = createEtcdBackend({ nodes: [server.url], username: auth.user, password: auth.password });
    try {
      const snapshot = await backend.snapshot({ type: 'kv.get', key: '/auth/key' }, AbortSignal.timeout(10_000));
      assert.equal(snapshot.data, 'guarded');
    } finally {
      await backend.close();
    }
  });

  it('rejects a wrong password with an authentication error naming the address', async () => {
    const backend = createEtcdBackend({ nodes: [server.url], username: auth.user, password: 'wrong' });
    try {
      await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/auth/key' }, AbortSignal.timeout(10_000)), (error) => {
        assert.ok(error instanceof CtmplError);
        assert.equal(error.code, 'BACKEND');
        assert.ok(error.message.startsWith(`etcd ${server.url}: authentication failed: `), error.message);
        return true;
      });
    } finally {
      await backend.close();
    }
  });

  it('rejects a request without credentials with an error naming the address', async () => {
    const backend = createEtcdBackend({ nodes: [server.url] });
    try {
      await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/auth/key' }, AbortSignal.timeout(10_000)), (error) => {
        assert.ok(error instanceof CtmplError);
        assert.match(error.message, new RegExp(`^etcd ${server.url}: .*user name is empty`));
        return true;
      });
    } finally {
      await backend.close();
    }
  });

  /** A backend with the right credentials that keeps its log lines. */
  function loggingAuthBackend() {
    const logs: string[] = [];
    const backend = createEtcdBackend({ nodes: [server.url], username: auth.user, password: auth.password, log: (_level, message) => logs.push(message) });
    return { backend, logs };
  }

  it('authenticates again when its token is revoked', async () => {
    const { backend, logs } = loggingAuthBackend();
    try {
      await backend.snapshot({ type: 'kv.get', key: '/auth/key' }, AbortSignal.timeout(10_000));
      await server.revokeTokens();
      const snapshot = await backend.snapshot({ type: 'kv.get', key: '/auth/key' }, AbortSignal.timeout(10_000));
      assert.equal(snapshot.data, 'guarded');
      assert.ok(logs.some((line) => line.includes('authenticating again')), logs.join('\n'));
    } finally {
      await backend.close();
    }
  });

  it('authenticates a watch again when its token is revoked', async () => {
    const { backend, logs } = loggingAuthBackend();
    const dep: Dependency = { type: 'kv.get', key: '/auth/watched' };
    try {
      const first = await backend.snapshot(dep, AbortSignal.timeout(10_000));
      // The watch that follows starts from the snapshot it kept: its own call is the first to meet the revoked token.
      await server.revokeTokens();
      const next = await nextMatching(backend, dep, first.cursor, (data) => data === 'seen', () => server.put('/auth/watched', 'seen'));
      assert.equal(next.data, 'seen');
      assert.ok(logs.some((line) => line.includes('invalid auth token; authenticating again')), logs.join('\n'));
    } finally {
      await backend.close();
    }
  });
});
