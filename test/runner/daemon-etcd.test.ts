import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, startCli, startCliInProcess, waitFor } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { readMetrics } from '../support/metrics.js';
import { freePort } from '../support/ports.js';

const { skip } = findBinary('etcd', 'etcd-server', 'runner tests on etcd');

describe('the daemon on real etcd', { skip }, () => {
  let etcd: EtcdServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.close();
    await cleanup();
  });

  it('watches 10 prefixes for 100 resources and re-renders only the 10 on a changed prefix', async () => {
    const root = join(dir, 'fanout');
    const resources: Record<string, string> = {};
    for (let i = 0; i < 100; i++) {
      resources[`r${String(i).padStart(3, '0')}.toml`] = `[template]\nsrc = "t.tmpl"\ndest = "out/${i}.conf"\nkeys = ["/p${i % 10}"]\n`;
    }
    await writeConfdir(root, { resources, templates: { 't.tmpl': '{{range gets "/*/*"}}{{.Key}}={{.Value}}\n{{end}}' } });
    for (let p = 0; p < 10; p++) await etcd.put(`/p${p}/k`, `v${p}`);
    const port = await freePort();
    const cli = startCliInProcess(['-watch', '-confdir', root, '-backend', 'etcd', '-node', etcd.url, '-status-addr', `127.0.0.1:${port}`], { cwd: root });
    try {
      await waitFor(async () => (await readMetrics(port)).ctmpl_writes_total === 100, '100 first writes');
      const before = await readMetrics(port);
      assert.equal(before.ctmpl_watches, 10);
      await etcd.put('/p3/k', 'changed');
      await waitFor(async () => (await readIfExists(join(root, 'out/93.conf'))) === '/p3/k=changed\n', 'the change rendered');
      await waitFor(async () => (await readMetrics(port)).ctmpl_writes_total === 110, '10 more writes');
      const afterChange = await readMetrics(port);
      assert.equal(afterChange.ctmpl_renders_total - before.ctmpl_renders_total, 10, 'only the 10 resources on /p3 re-render');
      assert.equal(await readIfExists(join(root, 'out/94.conf')), '/p4/k=v4\n');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });

  it('turns a burst of 50 changes inside -wait 200ms:1s into one write and one reload', async () => {
    const root = join(dir, 'burst');
    await writeConfdir(root, {
      resources: { 'b.toml': '[template]\nsrc = "b.tmpl"\ndest = "b.conf"\nkeys = ["/burst"]\nreload_cmd = "echo r >> reloads"\n' },
      templates: { 'b.tmpl': '{{getv "/burst/n"}}\n' },
    });
    await etcd.put('/burst/n', 'start');
    const port = await freePort();
    const cli = startCli(['-watch', '-wait', '200ms:1s', '-confdir', root, '-backend', 'etcd', '-node', etcd.url, '-status-addr', `127.0.0.1:${port}`], { cwd: root });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'b.conf'))) === 'start\n', 'first render after the initial wait');
      await waitFor(async () => (await readIfExists(join(root, 'reloads'))) === 'r\n', 'first reload');
      await Promise.all(Array.from({ length: 50 }, (_, i) => etcd.put(`/burst/x${i}`, String(i))));
      await etcd.put('/burst/n', 'end');
      await waitFor(async () => (await readIfExists(join(root, 'b.conf'))) === 'end\n', 'the burst rendered');
      await new Promise((r) => setTimeout(r, 1500));
      const counters = await readMetrics(port);
      assert.equal(counters.ctmpl_writes_total, 2, 'one write at start, one for the burst');
      assert.equal(await readIfExists(join(root, 'reloads')), 'r\nr\n');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });

  it('keeps the last good file while etcd is down and catches up when it returns', async () => {
    const root = join(dir, 'outage');
    await writeConfdir(root, {
      resources: { 'o.toml': '[template]\nsrc = "o.tmpl"\ndest = "o.conf"\nkeys = ["/outage"]\n' },
      templates: { 'o.tmpl': 'v={{getv "/outage/v"}}\n' },
    });
    await etcd.put('/outage/v', '1');
    const cli = startCli(['-watch', '-confdir', root, '-backend', 'etcd', '-node', etcd.url], { cwd: root });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'o.conf'))) === 'v=1\n', 'first render');
      await etcd.stop();
      await waitFor(() => /retrying; keeping the last good data/.test(cli.output()), 'the outage logged');
      assert.equal(await readIfExists(join(root, 'o.conf')), 'v=1\n');
      await etcd.start();
      await etcd.put('/outage/v', '2');
      await waitFor(async () => (await readIfExists(join(root, 'o.conf'))) === 'v=2\n', 'recovery', 40_000);
      assert.equal(cli.child.exitCode, null, 'the daemon is alive');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });
});
