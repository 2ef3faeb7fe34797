import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, runCliInProcess, startCliInProcess, waitFor } from '../support/cli.js';
import { startTestConsul, type TestConsul } from '../support/consul-agent.js';
import { readMetrics } from '../support/metrics.js';
import { freePort } from '../support/ports.js';

describe('the daemon on Consul', () => {
  let consul: TestConsul;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    consul = await startTestConsul('the daemon on Consul');
  });
  after(async () => {
    await consul?.close();
    await cleanup();
  });

  it('adds a watch when a template starts using a new service and drops it when it stops', async () => {
    await writeFile(join(dir, 'all.ctmpl'), '{{range services}}{{.Name}}:{{range service .Name}} {{.Address}}{{end}}\n{{end}}');
    await consul.registerService({ ID: 'a1', Name: 'alpha', Address: '10.0.0.1', Port: 80, Tags: [], Status: 'passing' });
    const port = await freePort();
    const cli = startCliInProcess(['-template', 'all.ctmpl:all.conf', '-consul-addr', `127.0.0.1:${consul.port}`, '-status-addr', `127.0.0.1:${port}`], { cwd: dir });
    try {
      await waitFor(async () => (await readIfExists(join(dir, 'all.conf'))) === 'alpha: 10.0.0.1\nconsul: 127.0.0.1\n', 'first render');
      assert.equal((await readMetrics(port)).ctmpl_watches, 3, 'services + alpha + consul');
      await consul.registerService({ ID: 'b1', Name: 'beta', Address: '10.0.0.2', Port: 80, Tags: [], Status: 'passing' });
      await waitFor(async () => (await readIfExists(join(dir, 'all.conf')))?.includes('beta: 10.0.0.2'), 'beta rendered');
      await waitFor(async () => (await readMetrics(port)).ctmpl_watches === 4, 'a watch for beta');
      await consul.deregisterService('b1');
      await waitFor(async () => !(await readIfExists(join(dir, 'all.conf')))?.includes('beta'), 'beta gone');
      await waitFor(async () => (await readMetrics(port)).ctmpl_watches === 3, 'the beta watch dropped');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });

  it('fails -once on a key that never appears within the lookup timeout, naming it', async () => {
    await writeFile(join(dir, 'missing.ctmpl'), 'x={{key "app/nope"}}\n');
    const started = Date.now();
    const result = await runCliInProcess(['-once', '-template', 'missing.ctmpl:missing.conf', '-consul-addr', `127.0.0.1:${consul.port}`, '-lookup-timeout', '1s'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no data for kv\.get\(\/app\/nope\) after 1s \(-lookup-timeout\)/);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(await readIfExists(join(dir, 'missing.conf')), undefined);
  });

  it('fails -once with the address when Consul is unreachable', async () => {
    const deadPort = await freePort();
    await writeFile(join(dir, 'k.ctmpl'), '{{key "app/x"}}');
    const result = await runCliInProcess(['-once', '-template', 'k.ctmpl:k.conf', '-consul-addr', `127.0.0.1:${deadPort}`, '-lookup-timeout', '1s'], { cwd: dir });
    assert.equal(result.code, 69);
    assert.match(result.stderr, new RegExp(`consul http://127\\.0\\.0\\.1:${deadPort}`));
  });
});
