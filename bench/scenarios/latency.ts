import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTempDir } from '../../test/support/cli.js';
import { writeConfdir } from '../../test/support/confdir.js';
import { startConsulSimulator } from '../../test/support/consul-simulator.js';
import { startEtcd } from '../../test/support/etcd-server.js';
import { startRedis } from '../../test/support/redis-server.js';
import { startZookeeper } from '../../test/support/zookeeper-server.js';
import { median, summarizeLatency, type Measurement, type ScenarioResult } from '../report.js';
import { ContentProbe } from '../support/content-probe.js';
import { withDaemon } from '../support/daemon.js';
import { startConsulAgent } from '../support/consul-agent.js';
import { findPeer, startPeer } from '../support/peers.js';

/** A backend under test: CLI arguments for a -watch daemon and a way to write the one key. */
interface LatencyTarget {
  readonly name: string;
  readonly args: readonly string[];
  /** The Go peer watching the same key at the same time, rendering `peer.out` in the same dir. */
  readonly peer?: { readonly label: string; readonly argv: readonly string[] };
  write(value: string): Promise<void>;
  close(): Promise<void>;
}

/** Pause after a change is seen before the next one: changes stay isolated, not a burst. */
const PAUSE_MS = 60;

/** How many changes are timed, after how many unmeasured ones, with what pause after each. */
interface ChangePlan {
  readonly changes: number;
  readonly unmeasured: number;
  readonly pauseMs: number;
}

const confdResource = '[template]\nsrc = "value.tmpl"\ndest = "value.out"\nkeys = ["/bench"]\n';
const confdTemplate = 'value={{getv "/bench/key"}}\n';

/** Scenario 4: change→file latency per backend, one key, one resource, a -watch daemon. */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const plan: ChangePlan = size === 'full' ? { changes: 100, unmeasured: 3, pauseMs: PAUSE_MS } : { changes: 3, unmeasured: 1, pauseMs: 10 };
  const backends = [openEtcd, openRedis, openZookeeper, openConsul, openFile];
  const measure = (open: (typeof backends)[number]) => measureBackend(open, size, plan);
  // Full size: one backend at a time, so they do not share the CPU. Tiny (a smoke test): all at once.
  const rows = size === 'full' ? await inTurn(backends, measure) : await Promise.all(backends.map(measure));
  const measurements: Measurement[] = rows.flat();
  return {
    scenario: 'latency',
    title: 'change→file latency per backend',
    method: `a -watch daemon renders one key, and the Go peer (confd -watch, consul-template) watches the same key at the same time when on PATH (full size); ${plan.changes} times (after ${plan.unmeasured} unmeasured): write a new value through the backend's own API, time from the start of the write until each destination file holds it (fs.watch on its directory + 5 ms poll); ${plan.pauseMs} ms pause after both saw a change`,
    size,
    measurements,
  };
}

async function measureBackend(open: (dir: string, size: 'full' | 'tiny') => Promise<LatencyTarget>, size: 'full' | 'tiny', plan: ChangePlan): Promise<Measurement[]> {
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    const target = await open(dir, size);
    try {
      const { ctmpl, peer } = await measureChanges(target, dir, plan);
      const row = summarizeLatency(`change→file ${target.name}`, ctmpl);
      if (!peer) return [row];
      const label = target.peer!.label;
      return [{ ...row, baseline: { label, value: median(peer) } }, summarizeLatency(`change→file ${target.name}: ${label}`, peer)];
    } finally {
      await target.close();
    }
  } finally {
    await cleanup();
  }
}

async function inTurn<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

async function measureChanges(target: LatencyTarget, dir: string, plan: ChangePlan): Promise<{ ctmpl: number[]; peer?: number[] }> {
  const probes = [new ContentProbe(join(dir, 'value.out')), ...(target.peer ? [new ContentProbe(join(dir, 'peer.out'))] : [])];
  const peer = target.peer ? startPeer(target.peer.argv[0]!, target.peer.argv.slice(1), dir) : undefined;
  try {
    const samples = await withDaemon(target.args, dir, () => timeChanges(target, probes, plan)).catch((error: unknown) => {
      throw peer ? new Error(`${String(error)}\n--- ${target.peer!.label} output (tail) ---\n${peer.output()}`) : error;
    });
    return { ctmpl: samples[0]!, ...(samples[1] ? { peer: samples[1] } : {}) };
  } finally {
    await peer?.stop();
    for (const probe of probes) probe.close();
  }
}

/** Per probe, the latency of each change: both daemons see the same write, timed from its start. */
async function timeChanges(target: LatencyTarget, probes: readonly ContentProbe[], plan: ChangePlan): Promise<number[][]> {
  await Promise.all(probes.map((probe) => probe.waitFor((text) => text === 'value=v-init\n', `${target.name}: the first render`, 20_000)));
  const samples = probes.map(() => [] as number[]);
  for (let i = -plan.unmeasured; i < plan.changes; i++) {
    const value = `v-${i}-${Date.now()}`;
    const started = performance.now();
    await target.write(value);
    const seen = await Promise.all(probes.map((probe) => probe.waitFor((text) => text === `value=${value}\n`, `${target.name} change ${i}`)));
    if (i >= 0) seen.forEach((at, p) => samples[p]!.push(at - started));
    await delay(plan.pauseMs);
  }
  return samples;
}

/** A confd confdir of its own under dir/peer, rendering the same key to dir/peer.out. */
async function writePeerConfdir(dir: string): Promise<string> {
  const confdir = join(dir, 'peer');
  const resource = `[template]\nsrc = "value.tmpl"\ndest = "${join(dir, 'peer.out')}"\nkeys = ["/bench"]\n`;
  await writeConfdir(confdir, { resources: { 'value.toml': resource }, templates: { 'value.tmpl': confdTemplate } });
  return confdir;
}

async function openEtcd(dir: string, size: 'full' | 'tiny'): Promise<LatencyTarget> {
  const etcd = await startEtcd();
  await etcd.put('/bench/key', 'v-init');
  await writeConfdir(dir, { resources: { 'value.toml': confdResource }, templates: { 'value.tmpl': confdTemplate } });
  const confd = size === 'full' ? findPeer('confd') : undefined;
  const peerArgs = ['-watch', '-backend', 'etcdv3', '-node', etcd.url, '-log-level', 'error'];
  return {
    name: 'etcd',
    args: ['-watch', '-confdir', dir, '-backend', 'etcd', '-node', etcd.url],
    ...(confd ? { peer: { label: 'confd', argv: [confd, ...peerArgs, '-confdir', await writePeerConfdir(dir)] } } : {}),
    write: (value) => etcd.put('/bench/key', value),
    close: () => etcd.close(),
  };
}

async function openRedis(dir: string, size: 'full' | 'tiny'): Promise<LatencyTarget> {
  const redis = await startRedis();
  await redis.put('/bench/key', 'v-init');
  await writeConfdir(dir, { resources: { 'value.toml': confdResource }, templates: { 'value.tmpl': confdTemplate } });
  const confd = size === 'full' ? findPeer('confd') : undefined;
  const peerArgs = ['-watch', '-backend', 'redis', '-node', redis.address, '-log-level', 'error'];
  return {
    name: 'redis',
    args: ['-watch', '-confdir', dir, '-backend', 'redis', '-node', redis.address],
    ...(confd ? { peer: { label: 'confd', argv: [confd, ...peerArgs, '-confdir', await writePeerConfdir(dir)] } } : {}),
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

async function openConsul(dir: string, size: 'full' | 'tiny'): Promise<LatencyTarget> {
  await writeFile(join(dir, 'value.ctmpl'), 'value={{key "bench/key"}}\n');
  if (size === 'full' && findPeer('consul')) {
    const agent = await startConsulAgent();
    await agent.put('bench/key', 'v-init');
    const consulTemplate = findPeer('consul-template');
    const peerArgs = ['-template', 'value.ctmpl:peer.out', '-consul-addr', agent.address, '-log-level', 'err'];
    return {
      name: 'consul',
      args: ['-template', 'value.ctmpl:value.out', '-consul-addr', agent.address],
      ...(consulTemplate ? { peer: { label: 'consul-template', argv: [consulTemplate, ...peerArgs] } } : {}),
      write: (value) => agent.put('bench/key', value),
      close: () => agent.close(),
    };
  }
  const consul = await startConsulSimulator();
  consul.putKey('bench/key', 'v-init');
  return {
    name: 'consul (simulator)',
    args: ['-template', 'value.ctmpl:value.out', '-consul-addr', `127.0.0.1:${consul.port}`],
    write: async (value) => consul.putKey('bench/key', value),
    close: () => consul.stop(),
  };
}

async function openFile(dir: string, _size: 'full' | 'tiny'): Promise<LatencyTarget> {
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
