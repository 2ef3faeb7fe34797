import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTempDir } from '../../test/support/cli.js';
import { writeConfdir } from '../../test/support/confdir.js';
import { startConsulSimulator } from '../../test/support/consul-simulator.js';
import { startEtcd } from '../../test/support/etcd-server.js';
import { startRedis } from '../../test/support/redis-server.js';
import { startZookeeper } from '../../test/support/zookeeper-server.js';
import { summarizeLatency, type Measurement, type ScenarioResult } from '../report.js';
import { ContentProbe } from '../support/content-probe.js';
import { withDaemon } from '../support/daemon.js';

/** A backend under test: CLI arguments for a -watch daemon and a way to write the one key. */
interface LatencyTarget {
  readonly name: string;
  readonly args: readonly string[];
  write(value: string): Promise<void>;
  close(): Promise<void>;
}

const confdResource = '[template]\nsrc = "value.tmpl"\ndest = "value.out"\nkeys = ["/bench"]\n';
const confdTemplate = 'value={{getv "/bench/key"}}\n';

/** Scenario 4: change→file latency per backend, one key, one resource, a -watch daemon. */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const changes = size === 'full' ? 100 : 8;
  const measurements: Measurement[] = [];
  for (const open of [openEtcd, openRedis, openZookeeper, openConsul, openFile]) {
    const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
    try {
      const target = await open(dir);
      try {
        measurements.push(summarizeLatency(`change→file ${target.name}`, await measureChanges(target, dir, changes)));
      } finally {
        await target.close();
      }
    } finally {
      await cleanup();
    }
  }
  return {
    scenario: 'latency',
    title: 'change→file latency per backend',
    method: `a -watch daemon renders one key; ${changes} times (after 3 unmeasured): write a new value through the backend's own API, time from the start of the write until the destination file holds it (fs.watch on its directory + 5 ms poll); 10 ms pause between changes`,
    size,
    measurements,
  };
}

async function measureChanges(target: LatencyTarget, dir: string, changes: number): Promise<number[]> {
  const probe = new ContentProbe(join(dir, 'value.out'));
  try {
    return await withDaemon(target.args, dir, () => timeChanges(target, probe, changes));
  } finally {
    probe.close();
  }
}

async function timeChanges(target: LatencyTarget, probe: ContentProbe, changes: number): Promise<number[]> {
  await probe.waitFor((text) => text === 'value=v-init\n', `${target.name}: the first render`, 20_000);
  const samples: number[] = [];
  for (let i = -3; i < changes; i++) {
    const value = `v-${i}-${Date.now()}`;
    const started = performance.now();
    await target.write(value);
    const seen = await probe.waitFor((text) => text === `value=${value}\n`, `${target.name} change ${i}`);
    if (i >= 0) samples.push(seen - started);
    await delay(10);
  }
  return samples;
}

async function openEtcd(dir: string): Promise<LatencyTarget> {
  const etcd = await startEtcd();
  await etcd.put('/bench/key', 'v-init');
  await writeConfdir(dir, { resources: { 'value.toml': confdResource }, templates: { 'value.tmpl': confdTemplate } });
  return {
    name: 'etcd',
    args: ['-watch', '-confdir', dir, '-backend', 'etcd', '-node', etcd.url],
    write: (value) => etcd.put('/bench/key', value),
    close: () => etcd.close(),
  };
}

async function openRedis(dir: string): Promise<LatencyTarget> {
  const redis = await startRedis();
  await redis.put('/bench/key', 'v-init');
  await writeConfdir(dir, { resources: { 'value.toml': confdResource }, templates: { 'value.tmpl': confdTemplate } });
  return {
    name: 'redis',
    args: ['-watch', '-confdir', dir, '-backend', 'redis', '-node', redis.address],
    write: (value) => redis.put('/bench/key', value),
    close: () => redis.close(),
  };
}

async function openZookeeper(dir: string): Promise<LatencyTarget> {
  const zookeeper = await startZookeeper();
  await zookeeper.put('/bench/key', 'v-init');
  await writeConfdir(dir, { resources: { 'value.toml': confdResource }, templates: { 'value.tmpl': confdTemplate } });
  return {
    name: 'zookeeper',
    args: ['-watch', '-confdir', dir, '-backend', 'zookeeper', '-node', zookeeper.address],
    write: (value) => zookeeper.put('/bench/key', value),
    close: () => zookeeper.close(),
  };
}

async function openConsul(dir: string): Promise<LatencyTarget> {
  const consul = await startConsulSimulator();
  consul.putKey('bench/key', 'v-init');
  await writeFile(join(dir, 'value.ctmpl'), 'value={{key "bench/key"}}\n');
  return {
    name: 'consul (simulator)',
    args: ['-template', 'value.ctmpl:value.out', '-consul-addr', `127.0.0.1:${consul.port}`],
    write: async (value) => consul.putKey('bench/key', value),
    close: () => consul.stop(),
  };
}

async function openFile(dir: string): Promise<LatencyTarget> {
  const data = join(dir, 'data.yaml');
  const write = (value: string) => writeFile(data, `bench:\n  key: "${value}"\n`);
  await write('v-init');
  await writeConfdir(dir, { resources: { 'value.toml': confdResource }, templates: { 'value.tmpl': confdTemplate } });
  return {
    name: 'file',
    args: ['-watch', '-confdir', dir, '-backend', 'file', '-file', data],
    write,
    close: async () => {},
  };
}
