import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KvList } from '../../src/backends/backend.js';
import type { Dependency } from '../../src/types/dependency.js';
import { createZookeeperBackend, type ZookeeperOptions } from '../../src/backends/zookeeper.js';
import { CtmplError } from '../../src/errors.js';
import { describeBackendContract, type StoreUnderTest } from './contract.js';
import { waitForData, waitForError, withWatch } from '../support/watch.js';
import { freePort } from '../support/ports.js';
import { findZookeeper, startZookeeper, type ZookeeperServer } from '../support/zookeeper-server.js';

const zookeeper = findZookeeper('zookeeper backend');

// The JVM takes seconds to start: one server serves every test in this file, each under its own path.
let server: ZookeeperServer | undefined;
before(async () => {
  if (!zookeeper.skip) server = await startZookeeper();
});
after(async () => server?.close());

function liveServer(): ZookeeperServer {
  assert.ok(server, 'the ZooKeeper server is running');
  return server;
}

async function openZookeeperStore(): Promise<StoreUnderTest> {
  const zk = liveServer();
  const backend = createZookeeperBackend({ nodes: [zk.address], sessionTimeoutMs: 2_000 });
  return {
    backend,
    put: (key, value) => zk.put(key, value),
    delete: (key) => zk.deleteKey(key),
    async restart() {
      await zk.stop();
      await zk.start();
    },
    async close() {
      await backend.close();
      await zk.delete('/app');
      await zk.delete('/apple');
    },
  };
}

describeBackendContract('zookeeper', openZookeeperStore, zookeeper.skip);

const list = (data: unknown) => [...(data as KvList)];
const signal = () => AbortSignal.timeout(10_000);

/** Opens a backend on the shared server, runs `body`, and closes it. */
async function withBackend(options: Partial<ZookeeperOptions>, body: (backend: ReturnType<typeof createZookeeperBackend>) => Promise<void>) {
  const backend = createZookeeperBackend({ nodes: [liveServer().address], ...options });
  try {
    await body(backend);
  } finally {
    await backend.close();
  }
}

interface MappingCase {
  readonly name: string;
  readonly tree: readonly (readonly [string, string])[];
  /** Nodes deleted after the tree was written. */
  readonly deleted?: readonly string[];
  readonly dep: Dependency;
  readonly expected: unknown;
}

// confd's nodeWalk: a znode without children is a key (its data, "" when empty); one with children is a directory.
const mappingCases: readonly MappingCase[] = [
  {
    name: 'a prefix lists every leaf below it, recursively and sorted',
    tree: [['/m1/b/deep/x', '1'], ['/m1/a', '2'], ['/m1/b/y', '3']],
    dep: { type: 'kv.list', prefix: '/m1' },
    expected: [['/m1/a', '2'], ['/m1/b/deep/x', '1'], ['/m1/b/y', '3']],
  },
  {
    name: 'a node with children is a directory, not a key, even when it holds data',
    tree: [['/m2/dir', 'dir-data'], ['/m2/dir/leaf', 'l']],
    dep: { type: 'kv.list', prefix: '/m2' },
    expected: [['/m2/dir/leaf', 'l']],
  },
  { name: 'kv.get of a directory is null', tree: [['/m3/dir', 'dir-data'], ['/m3/dir/leaf', 'l']], dep: { type: 'kv.get', key: '/m3/dir' }, expected: null },
  { name: 'empty data reads as an empty string', tree: [['/m4/empty', '']], dep: { type: 'kv.get', key: '/m4/empty' }, expected: '' },
  { name: 'a leaf given as the prefix is itself the one key', tree: [['/m5/leaf', 'v']], dep: { type: 'kv.list', prefix: '/m5/leaf' }, expected: [['/m5/leaf', 'v']] },
  { name: 'a missing prefix lists nothing', tree: [], dep: { type: 'kv.list', prefix: '/m6/none' }, expected: [] },
  { name: 'a missing key is null', tree: [], dep: { type: 'kv.get', key: '/m7/none' }, expected: null },
  {
    name: 'a directory whose last child was deleted is a key again, with its own data',
    tree: [['/m9/dir/leaf', 'l']],
    deleted: ['/m9/dir/leaf'],
    dep: { type: 'kv.list', prefix: '/m9' },
    expected: [['/m9/dir', '']],
  },
  { name: 'UTF-8 data is read as text', tree: [['/m8/word', 'grüße ✓']], dep: { type: 'kv.get', key: '/m8/word' }, expected: 'grüße ✓' },
];

describe('zookeeper backend', { skip: zookeeper.skip }, () => {
  for (const testCase of mappingCases) {
    it(`maps znodes as confd does: ${testCase.name}`, async () => {
      for (const [key, value] of testCase.tree) await liveServer().put(key, value);
      for (const key of testCase.deleted ?? []) await liveServer().delete(key);
      await withBackend({}, async (backend) => {
        const { data } = await backend.snapshot(testCase.dep, signal());
        assert.deepEqual(testCase.dep.type === 'kv.list' ? list(data) : data, testCase.expected);
      });
    });
  }

  it('lists the root with ZooKeeper\'s own /zookeeper nodes, as confd does', async () => {
    await withBackend({}, async (backend) => {
      const keys = list((await backend.snapshot({ type: 'kv.list', prefix: '/' }, signal())).data).map(([key]) => key);
      assert.ok(keys.includes('/zookeeper/quota'), keys.join(' '));
      assert.ok(keys.includes('/m1/a'), keys.join(' '));
    });
  });

  it('sees a child node added and removed, and a leaf turned into a directory', async () => {
    const zk = liveServer();
    await zk.put('/w1/a', '1');
    await withBackend({}, (backend) =>
      withWatch(backend, { type: 'kv.list', prefix: '/w1' }, async (events) => {
        await waitForData(events, (d) => list(d).length === 1);
        await zk.put('/w1/b', '2');
        await waitForData(events, (d) => list(d).some(([key]) => key === '/w1/b'));
        await zk.put('/w1/a/inner', '3');
        const turned = await waitForData(events, (d) => list(d).some(([key]) => key === '/w1/a/inner'));
        assert.deepEqual(list(turned.data), [['/w1/a/inner', '3'], ['/w1/b', '2']]);
        await zk.delete('/w1/b');
        await waitForData(events, (d) => !list(d).some(([key]) => key === '/w1/b'));
      }),
    );
  });

  it('sees a prefix that did not exist when the watch began', async () => {
    const zk = liveServer();
    await withBackend({}, (backend) =>
      withWatch(backend, { type: 'kv.list', prefix: '/w2/later' }, async (events) => {
        await waitForData(events, (d) => list(d).length === 0);
        await zk.put('/w2/later/x', 'here');
        await waitForData(events, (d) => list(d).length === 1);
      }),
    );
  });

  it('sees a key change, its deletion and its return', async () => {
    const zk = liveServer();
    await zk.put('/w3/key', 'one');
    await withBackend({}, (backend) =>
      withWatch(backend, { type: 'kv.get', key: '/w3/key' }, async (events) => {
        await waitForData(events, (d) => d === 'one');
        await zk.put('/w3/key', 'two');
        await waitForData(events, (d) => d === 'two');
        await zk.delete('/w3/key');
        await waitForData(events, (d) => d === null);
        await zk.put('/w3/key', 'three');
        await waitForData(events, (d) => d === 'three');
      }),
    );
  });

  it('reports a frozen server, then opens a new session, re-reads and re-watches after it thaws', async () => {
    const zk = liveServer();
    await zk.put('/w4/key', 'before');
    await withBackend({ sessionTimeoutMs: 1_000, connectTimeoutMs: 1_000 }, (backend) =>
      withWatch(backend, { type: 'kv.get', key: '/w4/key' }, async (events) => {
        await waitForData(events, (d) => d === 'before');
        zk.signal('SIGSTOP');
        try {
          const error = await waitForError(events);
          assert.match(error.message, new RegExp(`zookeeper ${zk.address}`));
        } finally {
          zk.signal('SIGCONT');
        }
        await zk.put('/w4/key', 'after');
        await waitForData(events, (d) => d === 'after', 30_000);
        await zk.put('/w4/key', 'again');
        await waitForData(events, (d) => d === 'again');
      }),
    );
  });

  it('opens its session on the first node that answers', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    await liveServer().put('/n1/key', 'v');
    await withBackend({ nodes: [dead, liveServer().address] }, async (backend) => {
      assert.equal((await backend.snapshot({ type: 'kv.get', key: '/n1/key' }, signal())).data, 'v');
    });
  });
});

describe('zookeeper backend without a server', () => {
  it('fails with a backend error naming the address it could not reach', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const backend = createZookeeperBackend({ nodes: [address] });
    try {
      await assert.rejects(backend.snapshot({ type: 'kv.get', key: '/x' }, signal()), (error: unknown) => {
        assert.ok(error instanceof CtmplError);
        assert.equal(error.code, 'BACKEND');
        assert.match(error.message, new RegExp(`^zookeeper ${address}: .*ECONNREFUSED`));
        return true;
      });
    } finally {
      await backend.close();
    }
  });
});
