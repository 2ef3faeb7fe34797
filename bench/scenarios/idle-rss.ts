import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { rm } from 'node:fs/promises';
import { makeTempDir } from '../../test/support/cli.js';
import { startEtcd } from '../../test/support/etcd-server.js';
import { freePort } from '../../test/support/ports.js';
import { median, summarize, type ScenarioResult } from '../report.js';
import { withDaemon } from '../support/daemon.js';
import { readProcStatus } from '../support/measure.js';
import { findPeer, startPeer } from '../support/peers.js';
import { waitForFiles, waitForQuiet, writeManyResources, type Shape } from '../support/many-resources.js';

/** Scenario 6: resident memory of a -watch daemon holding N resources after it has settled. */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const shape: Shape = size === 'full' ? { resources: 100, prefixes: 10, keysPerPrefix: 10 } : { resources: 12, prefixes: 3, keysPerPrefix: 3 };
  const starts = size === 'full' ? 3 : 1;
  const settleMs = size === 'full' ? 3_000 : 300;
  const etcd = await startEtcd();
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    const layout = await writeManyResources(etcd, dir, shape);
    const rss: number[] = [];
    const baseline: number[] = [];
    const confd = size === 'full' ? findPeer('confd') : undefined;
    const peerRss: number[] = [];
    for (let i = 0; i < starts; i++) {
      const statusAddress = `127.0.0.1:${await freePort()}`;
      // Each start renders every file afresh, so "every file rendered" means this daemon did it.
      await Promise.all(layout.dests.map((dest) => rm(dest, { force: true })));
      const args = ['-watch', '-confdir', dir, '-backend', 'etcd', '-node', etcd.url, '-status-addr', statusAddress];
      rss.push(await withDaemon(args, dir, async (cli) => {
        await waitForFiles(layout.dests, (text) => text.includes('k0='), 'every resource rendered');
        await waitForQuiet(`http://${statusAddress}/metrics`);
        await delay(settleMs);
        return readRss(cli.child.pid);
      }));
      baseline.push(await idleNodeRss(settleMs));
      if (confd) peerRss.push(await idleConfdRss(confd, ['-watch', '-confdir', dir, '-backend', 'etcdv3', '-node', etcd.url, '-log-level', 'error'], dir, layout.dests, settleMs));
    }
    const measurements = [summarize('idle RSS', 'MiB', rss, { label: 'idle node', value: median(baseline) })];
    if (confd) measurements.push(summarize('idle RSS vs confd', 'MiB', rss, { label: 'confd', value: median(peerRss) }));
    return {
      scenario: 'idle-rss',
      title: `idle RSS of a -watch daemon with ${shape.resources} resources (${shape.prefixes} etcd prefixes)`,
      method: `VmRSS from /proc/PID/status of the daemon ${settleMs} ms after every file is rendered and its counters are still, ${starts} daemon start(s); baselines: an idle \`node -e "setInterval(…)"\`${confd ? ' and `confd -watch` on the same confdir (after each ctmpl start)' : ''}, read the same way`,
      size,
      measurements,
    };
  } finally {
    await etcd.close();
    await cleanup();
  }
}

function readRss(pid: number | undefined): number {
  const status = pid === undefined ? undefined : readProcStatus(pid);
  if (!status) throw new Error(`cannot read /proc/${pid}/status`);
  return status.vmRssKb / 1024;
}

/** VmRSS (MiB) of `confd -watch` on the same confdir, `settleMs` after it rendered every file afresh. */
async function idleConfdRss(confd: string, args: readonly string[], dir: string, dests: readonly string[], settleMs: number): Promise<number> {
  await Promise.all(dests.map((dest) => rm(dest, { force: true })));
  const peer = startPeer(confd, args, dir);
  try {
    await waitForFiles(dests, (text) => text.includes('k0='), 'every resource rendered by confd');
    await delay(settleMs);
    return readRss(peer.child.pid);
  } catch (error) {
    throw new Error(`${String(error)}\n--- confd output (tail) ---\n${peer.output()}`);
  } finally {
    await peer.stop();
  }
}

/** VmRSS (MiB) of a Node process that only keeps a timer, `settleMs` after it starts. */
async function idleNodeRss(settleMs: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await delay(Math.max(settleMs, 300));
    return readRss(child.pid);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
