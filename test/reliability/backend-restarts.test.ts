import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, startCli, waitFor } from '../support/cli.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd } from '../support/etcd-server.js';
import { startRedis } from '../support/redis-server.js';
import { recordFigure } from '../support/figures.js';
import { pace, readContinuously, versionTemplate } from './support.js';

const restarts = 20;

interface Store {
  readonly args: string[];
  put(key: string, value: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const backends = [
  {
    name: 'etcd',
    binary: findBinary('etcd', 'etcd-server', 'reliability: etcd restarts'),
    // etcd persists every acknowledged write, so the writer keeps going across the restart.
    pausesWriter: false,
    start: async (): Promise<Store> => {
      const server = await startEtcd();
      return { args: ['-backend', 'etcd', '-node', server.url], put: server.put, stop: server.stop, start: server.start, close: server.close };
    },
  },
  {
    name: 'redis',
    binary: findBinary('redis-server', 'redis-server', 'reliability: redis restarts'),
    // The test server persists by SAVE on stop: the writer pauses so no acknowledged write is lost by the store itself.
    pausesWriter: true,
    start: async (): Promise<Store> => {
      const server = await startRedis({ extraArgs: ['--notify-keyspace-events', 'KEA'] });
      return { args: ['-backend', 'redis', '-node', server.address], put: server.put, stop: server.stop, start: server.start, close: server.close };
    },
  },
];

for (const backend of backends) {
  describe(`${backend.name} stopped and started ${restarts} times during a watch`, { skip: backend.binary.skip }, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let store: Store;
    before(async () => {
      ({ dir, cleanup } = await makeTempDir());
      store = await backend.start();
    });
    after(async () => {
      await store?.close();
      await cleanup();
    });

    it('never shows a torn or older file to a reader, and reaches the final version', async () => {
      const dest = join(dir, 'app.conf');
      await writeFile(join(dir, 'app.tmpl'), versionTemplate('key "app/v"'));
      await store.put('/app/v', '0');
      const cli = startCli([...store.args, '-template', `${join(dir, 'app.tmpl')}:${dest}`]);
      let isRunning = true;
      let isPaused = false;
      let acknowledged = 0;
      const reader = readContinuously(dest, () => isRunning);
      const writer = (async () => {
        while (isRunning) {
          if (!isPaused) await store.put('/app/v', String(acknowledged + 1)).then(() => (acknowledged += 1), () => undefined);
          await pace(20);
        }
      })();
      const started = Date.now();
      try {
        for (let round = 1; round <= restarts; round += 1) {
          const target = acknowledged;
          await waitFor(async () => Number(/^begin (\d+)/.exec((await readIfExists(dest)) ?? '')?.[1] ?? -1) >= target, `round ${round}: version ${target}`, 60_000);
          isPaused = backend.pausesWriter;
          await store.stop();
          await store.start();
          isPaused = false;
        }
        isRunning = false;
        await writer;
        const final = acknowledged + 1;
        await store.put('/app/v', String(final));
        await waitFor(async () => (await readIfExists(dest))?.startsWith(`begin ${final}\n`), `the final version ${final}`, 60_000);
        const seen = await reader;
        assert.deepEqual(seen.torn, [], 'torn reads');
        assert.deepEqual(seen.backwards, [], 'versions that went backwards');
        recordFigure(`restarts-${backend.name}`, `${backend.name}: restarts during a watch (torn: 0, older: 0)`, `${restarts} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        recordFigure(`restarts-${backend.name}`, `${backend.name}: versions written / destination reads checked`, `${final} / ${seen.reads}`);
      } finally {
        isRunning = false;
        assert.equal(await cli.stop(), 0);
      }
    });
  });
}
