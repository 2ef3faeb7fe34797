import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { literal } from '../support/freeze.js';
import { makeTempDir, readIfExists, runCliInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { freePort } from '../support/ports.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';

describe('backend failures through the CLI', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let silent: SilentServer;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    silent = await startSilentServer();
    await writeConfdir(dir, { files: { 'k.ctmpl': '{{key "app/x"}}\n' } });
  });
  after(async () => {
    await silent.close();
    await cleanup();
  });

  // The lookup timeout is far longer than the retries take: only -retry-max can end these runs.
  const modes = [
    { mode: 'once', flags: ['-once', '-lookup-timeout', '5m'] },
    { mode: 'interval', flags: ['-interval', '1'] },
    { mode: 'watch', flags: ['-watch'] },
  ];
  for (const { mode, flags } of modes) {
    it(`gives up after -retry-max failed attempts in ${mode} mode, exits 69 and writes nothing`, async () => {
      const port = await freePort();
      const dest = `${mode}.conf`;
      const result = await runCliInProcess(['-template', `k.ctmpl:${dest}`, '-consul-addr', `127.0.0.1:${port}`, '-retry-max', '3', ...flags], { cwd: dir, timeoutMs: 60_000 });
      assert.equal(result.code, 69, result.stderr);
      assert.match(result.stderr, new RegExp(`kv\\.get\\(/app/x\\): giving up after -retry-max attempts \\(3 failed\\): .*127\\.0\\.0\\.1:${port}`));
      assert.equal(await readIfExists(join(dir, dest)), undefined);
      // Nothing of the run is left behind it (the daemon's watch of its templates, say).
      assert.deepEqual(process.getActiveResourcesInfo().filter((resource) => resource === 'FSEventWrap'), []);
    });
  }

  it('names a backend that accepts connections but never answers, with its address, at the lookup deadline', async () => {
    const result = await runCliInProcess(['-once', '-template', 'k.ctmpl:silent.conf', '-consul-addr', silent.address, '-lookup-timeout', '1s'], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(result.code, 69, result.stderr);
    assert.match(result.stderr, new RegExp(`silent\\.conf: consul .*${literal(silent.address)}.*: no answer in 1(\\.\\d)?s \\(reading kv\\.get\\(/app/x\\)\\)`));
    assert.equal(await readIfExists(join(dir, 'silent.conf')), undefined);
  });
});
