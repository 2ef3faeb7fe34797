import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../src/backends/index.js';
import { defaultConfig, type Config } from '../../src/config/config.js';
import type { Dependency } from '../../src/types/dependency.js';
import { findBinary } from '../support/binaries.js';
import { startRedis } from '../support/redis-server.js';
import { memoryLogger, waitForData, withWatch } from '../support/watch.js';

const redis = findBinary('redis-server', 'redis-server', 'redis backend');

describe('createBackend', () => {
  it('gives Redis its own polling fallback, not the run\'s -interval', { skip: redis.skip }, async () => {
    // Neither keyspace notifications (CONFIG) nor client tracking (CLIENT): only polling is left.
    const server = await startRedis({ extraArgs: ['--rename-command', 'CONFIG', '', '--rename-command', 'CLIENT', ''] });
    const logger = memoryLogger();
    const config: Config = { ...defaultConfig, backend: 'redis', nodes: [server.address], interval: 600 };
    const backend = await createBackend(config, {}, logger);
    try {
      await server.put('/poll/a', '1');
      const dep: Dependency = { type: 'kv.get', key: '/poll/a' };
      await withWatch(backend, dep, async (events) => {
        await waitForData(events, (data) => data === '1');
        await server.put('/poll/a', '2');
        await waitForData(events, (data) => data === '2', 10_000);
      });
      const polling = logger.lines.map((line) => /polling every (\d+) ms/.exec(line)?.[1]).find(Boolean);
      assert.ok(polling !== undefined && Number(polling) <= 5_000, logger.lines.join('\n'));
    } finally {
      await backend.close();
      await server.close();
    }
  });
});
