import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, startCli, waitFor } from '../support/cli.js';
import { findBinary } from '../support/binaries.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { recordFigure, sampleProcess } from '../support/figures.js';
import { pace } from './support.js';

const changes = 5000;
const perSecond = 200;
const warmUp = 500;
const redisBinary = findBinary('redis-server', 'redis-server', 'reliability under load');

describe('5 000 changes at 200 per second', { skip: redisBinary.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let redis: RedisServer;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    redis = await startRedis({ extraArgs: ['--notify-keyspace-events', 'KEA'] });
  });
  after(async () => {
    await redis?.close();
    await cleanup();
  });

  it('reaches the last change with memory and descriptors bounded', async () => {
    const dest = join(dir, 'load.conf');
    await writeFile(join(dir, 'load.tmpl'), 'version={{ key "load/v" }}\n{{ range ls "load/set" }}{{ .Key }}={{ .Value }}\n{{ end }}');
    await redis.put('/load/v', '0');
    for (let i = 0; i < 50; i += 1) await redis.put(`/load/set/k${i}`, `value-${i}`);
    const cli = startCli(['-backend', 'redis', '-node', redis.address, '-template', `${join(dir, 'load.tmpl')}:${dest}`, '-log-level', 'warn']);
    try {
      await waitFor(async () => (await readIfExists(dest))?.startsWith('version=0\n'), 'the first render');
      const started = Date.now();
      let before: ReturnType<typeof sampleProcess> | undefined;
      for (let version = 1; version <= changes; version += 1) {
        await redis.put('/load/v', String(version));
        if (version % 10 === 0) await redis.put(`/load/set/k${version % 50}`, `value-${version}`);
        if (version === warmUp) before = sampleProcess(cli.child.pid!);
        const due = started + (version * 1000) / perSecond - Date.now();
        if (due > 0) await pace(due);
      }
      const seconds = (Date.now() - started) / 1000;
      await waitFor(async () => (await readIfExists(dest))?.startsWith(`version=${changes}\n`), `version ${changes} in the file`, 60_000);
      const after = sampleProcess(cli.child.pid!);
      recordFigure('load', `changes sent (target ${perSecond}/s)`, `${changes} in ${seconds.toFixed(1)} s (${(changes / seconds).toFixed(0)}/s)`);
      recordFigure('load', `ctmpl RSS after ${warmUp} → after ${changes} changes (MB)`, `${(before!.rssKb / 1024).toFixed(1)} → ${(after.rssKb / 1024).toFixed(1)}`);
      recordFigure('load', `ctmpl descriptors after ${warmUp} → after ${changes} changes`, `${before!.descriptors} → ${after.descriptors}`);
      assert.ok(after.descriptors - before!.descriptors <= 4, `descriptors grew from ${before!.descriptors} to ${after.descriptors}`);
      assert.ok(after.rssKb - before!.rssKb < 40 * 1024, `RSS grew from ${before!.rssKb} kB to ${after.rssKb} kB`);
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });
});
