import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, startCli, waitFor, type RunningCli } from '../support/cli.js';
import { findConsul, startConsulAgent, type TestConsul } from '../support/consul-agent.js';
import { recordFigure } from '../support/figures.js';
import { readContinuously, versionTemplate } from './support.js';

const consulBinary = findConsul('fleet mode failover on Consul');

/** The instances whose last word on their role is that they lead. */
const leadersOf = (instances: readonly RunningCli[]) =>
  instances.filter((cli) => cli.output().lastIndexOf('leading:') > cli.output().lastIndexOf('following the published data'));

/**
 * Fleet mode (-dedup) when its leader dies: ctmpl instances as processes (SIGKILL), a real agent
 * restarted under them (every session lost). The followers' files are read all along: never torn,
 * never blank, never older.
 */
describe('fleet mode (-dedup) failover on Consul', { skip: consulBinary ? false : 'needs a real consul agent' }, () => {
  let consul: TestConsul;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-dedup-failover-'));
    consul = await startConsulAgent({ binary: consulBinary! });
    await writeFile(join(dir, 't.ctmpl'), versionTemplate('key "app/v"'));
  });
  after(async () => {
    await consul?.close();
    await cleanup?.();
  });

  const start = (n: number) => startCli(['-consul-addr', `127.0.0.1:${consul.port}`, '-dedup', '-template', `t.ctmpl:out${n}`], { cwd: dir });
  const hasVersion = async (n: number, version: number) => (await readIfExists(join(dir, `out${n}`)))?.startsWith(`begin ${version}\n`);

  it('a leader killed with SIGKILL is replaced once its session lapses (Consul\'s 10 s minimum TTL, doubled: 20 s), then the rest follow', async () => {
    await consul.putKey('app/v', '1');
    const instances = [1, 2, 3].map(start);
    let isReading = true;
    try {
      await waitFor(async () => (await Promise.all([1, 2, 3].map((n) => hasVersion(n, 1)))).every(Boolean), 'all three at version 1');
      await waitFor(() => leadersOf(instances).length === 1, 'one leader');
      const [leader] = leadersOf(instances);
      const followers = [1, 2, 3].filter((n) => instances[n - 1] !== leader);
      const readers = followers.map((n) => readContinuously(join(dir, `out${n}`), () => isReading));
      leader!.child.kill('SIGKILL');
      const killedAt = Date.now();
      await consul.putKey('app/v', '2');
      await waitFor(async () => (await Promise.all(followers.map((n) => hasVersion(n, 2)))).every(Boolean), 'the followers at version 2', 30_000, 100);
      const seconds = (Date.now() - killedAt) / 1000;
      isReading = false;
      for (const seen of await Promise.all(readers)) {
        assert.deepEqual(seen.torn, [], 'torn or blank reads');
        assert.deepEqual(seen.backwards, [], 'older versions');
      }
      // 15–20 s for the session to lapse, then a campaign and a render on a busy machine.
      assert.ok(seconds <= 25, `followed after ${seconds} s`);
      assert.equal(leadersOf(instances.filter((cli) => cli !== leader)).length, 1, 'one new leader');
      recordFigure('dedup', 'Consul: the fleet follows a change after its leader was killed -9 (s)', Math.round(seconds * 10) / 10);
    } finally {
      isReading = false;
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });

  it('survives the loss of every session (agent restarted empty): files kept, a new leader, changes followed', async () => {
    await consul.putKey('app/v', '5');
    const instances = [4, 5].map(start);
    let isReading = true;
    try {
      await waitFor(async () => (await hasVersion(4, 5)) && (await hasVersion(5, 5)), 'both at version 5');
      const readers = [4, 5].map((n) => readContinuously(join(dir, `out${n}`), () => isReading));
      await consul.restart();
      // The dev agent comes back with nothing: no sessions, no locks, no data, no key.
      await consul.putKey('app/v', '6');
      await waitFor(async () => (await hasVersion(4, 6)) && (await hasVersion(5, 6)), 'both at version 6', 30_000, 100);
      await waitFor(() => leadersOf(instances).length === 1, 'one leader again', 20_000);
      await consul.putKey('app/v', '7');
      await waitFor(async () => (await hasVersion(4, 7)) && (await hasVersion(5, 7)), 'both at version 7', 10_000, 100);
      isReading = false;
      for (const seen of await Promise.all(readers)) {
        assert.deepEqual(seen.torn, [], 'torn or blank reads');
        assert.deepEqual(seen.backwards, [], 'older versions');
      }
    } finally {
      isReading = false;
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });
});
