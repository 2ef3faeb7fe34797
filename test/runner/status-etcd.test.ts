import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, startCliInProcess, waitFor } from '../support/cli.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { freePort } from '../support/ports.js';
import { readStatus } from '../support/status.js';

const { skip } = findBinary('etcd', 'etcd-server', 'status on real etcd');

describe('the operator\'s view of a daemon on real etcd', { skip }, () => {
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

  it('names the missing key, then the stopped etcd by its address, and shows the render once both are back', async () => {
    await writeFile(join(dir, 'app.ctmpl'), 'port {{ key "app/port" }}\n');
    const port = await freePort();
    const args = ['-backend', 'etcd', '-node', etcd.url, '-template', 'app.ctmpl:app.conf', '-blocked-warning', '300ms', '-status-addr', `127.0.0.1:${port}`];
    const cli = startCliInProcess(args, { cwd: dir });
    const address = `etcd ${etcd.url}`;
    try {
      await waitFor(() => cli.output().includes(`app.conf: waiting`) && cli.output().includes(`for kv.get(/app/port) (no data on ${address})`), 'the missing key named');
      assert.deepEqual((await readStatus(port)).templates[0]!.missing, ['kv.get(/app/port)']);

      await etcd.stop();
      await waitFor(() => cli.output().includes(`[WARN] (watcher) ${address}: failing for`), 'the stopped etcd named', 30_000);
      await waitFor(() => new RegExp(`app\\.conf: waiting [\\d.]+s for kv\\.get\\(/app/port\\) \\(${address.replace(/[.]/g, '\\.')} failing: `).test(cli.output()), 'the waiting template names it too', 30_000);
      const down = await readStatus(port);
      assert.equal(down.backends[0]!.address, address);
      assert.equal(down.backends[0]!.state, 'failing');
      assert.ok(down.backends[0]!.retries >= 1);
      assert.equal(down.templates[0]!.dependencies[0]!.state, 'error');

      await etcd.start();
      await etcd.put('/app/port', '8080');
      await waitFor(async () => (await readIfExists(join(dir, 'app.conf'))) === 'port 8080\n', 'the render', 40_000);
      await waitFor(() => cli.output().includes(`${address}: answers again`), 'the recovery logged');
      const up = await readStatus(port);
      assert.equal(up.templates[0]!.state, 'fine');
      assert.deepEqual(up.backends.map((backend) => [backend.state, backend.retries]), [['ok', 0]]);
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });
});
