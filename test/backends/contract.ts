import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, KvList } from '../../src/backends/backend.js';
import type { Dependency } from '../../src/types/dependency.js';
import { waitForData, watchEvents } from '../support/watch.js';

/** A live store behind a backend, driven by the contract tests. Keys are normalised ("/app/x"). */
export interface StoreUnderTest {
  readonly backend: Backend;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Stops the server and starts it again with the same data (and address). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const appList: Dependency = { type: 'kv.list', prefix: '/app' };
const portKey: Dependency = { type: 'kv.get', key: '/app/port' };

function asList(data: unknown): KvList {
  assert.ok(data instanceof Map, 'kv.list data is a Map');
  return data as KvList;
}

/**
 * The contract every backend passes, identical for all: initial snapshot, change seen, delete
 * seen, prefix isolation, recovery after a server restart. `open` returns a fresh store seeded
 * with nothing, or a skip reason.
 */
export function describeBackendContract(name: string, open: () => Promise<StoreUnderTest>, skip?: string): void {
  describe(`${name} backend contract`, { skip }, () => {
    let store: StoreUnderTest;
    before(async () => {
      store = await open();
      await store.put('/app/port', '8080');
      await store.put('/app/servers/web1', '10.0.0.1:80');
      await store.put('/apple/core', 'not-app');
    });
    after(async () => store?.close());

    it('reads an initial snapshot of a prefix and of a key', async () => {
      const signal = AbortSignal.timeout(10_000);
      const list = asList((await store.backend.snapshot(appList, signal)).data);
      assert.deepEqual([...list], [
        ['/app/port', '8080'],
        ['/app/servers/web1', '10.0.0.1:80'],
      ]);
      assert.equal((await store.backend.snapshot(portKey, signal)).data, '8080');
      const missing = await store.backend.snapshot({ type: 'kv.get', key: '/app/none' }, signal);
      assert.equal(missing.data, null);
    });

    it('sees a change, then a delete, and never sees a sibling prefix', async () => {
      const controller = new AbortController();
      const events = watchEvents(store.backend, appList, controller.signal)[Symbol.asyncIterator]();
      try {
        await waitForData(events, (d) => asList(d).get('/app/port') === '8080');
        await store.put('/app/port', '9090');
        await waitForData(events, (d) => asList(d).get('/app/port') === '9090');
        await store.put('/apple/core', 'changed');
        await store.delete('/app/servers/web1');
        const after = await waitForData(events, (d) => !asList(d).has('/app/servers/web1'));
        assert.deepEqual([...asList(after.data).keys()], ['/app/port']);
      } finally {
        controller.abort();
        await events.return?.(undefined);
      }
    });

    it('recovers after the server restarts mid-watch and delivers the latest state', async () => {
      const controller = new AbortController();
      const events = watchEvents(store.backend, portKey, controller.signal)[Symbol.asyncIterator]();
      try {
        await waitForData(events, (d) => typeof d === 'string');
        await store.restart();
        await store.put('/app/port', '7070');
        await waitForData(events, (d) => d === '7070', 30_000);
      } finally {
        controller.abort();
        await events.return?.(undefined);
      }
    });
  });
}
