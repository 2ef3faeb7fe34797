import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findBinary } from '../support/binaries.js';
import { findZookeeper } from '../support/zookeeper-server.js';
import { findVault } from '../support/vault-server.js';
import { scenarios } from '../../bench/scenarios/index.js';

/** Every benchmark scenario at its tiny size: it runs end to end and yields finite figures. */
const binaries = {
  etcd: findBinary('etcd', 'etcd-server', 'bench smoke (etcd scenarios)'),
  redis: findBinary('redis-server', 'redis-server', 'bench smoke (redis scenarios)'),
  zookeeper: findZookeeper('bench smoke (zookeeper scenarios)'),
  vault: findVault('bench smoke (vault scenario)'),
};

describe('the benchmark scenarios at tiny size', () => {
  for (const scenario of scenarios) {
    const skip = scenario.needs.map((need) => binaries[need].skip).find(Boolean);
    // A JVM (ZooKeeper) takes seconds to start on a busy machine: 60 s, not 30.
    it(`${scenario.name} runs and returns finite numbers`, { skip, timeout: 60_000 }, async () => {
      const result = await scenario.run('tiny');
      assert.equal(result.scenario, scenario.name);
      assert.ok(result.measurements.length > 0, 'no measurements');
      for (const m of result.measurements) {
        assert.ok(Number.isFinite(m.value), `${m.metric}: ${m.value}`);
        if (m.baseline) assert.ok(Number.isFinite(m.baseline.value) && m.baseline.value > 0, `${m.metric} baseline: ${m.baseline.value}`);
      }
    });
  }
});
