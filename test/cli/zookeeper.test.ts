import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readIfExists, runCliInProcess, startCliInProcess, waitFor } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { findZookeeper, startZookeeper, type ZookeeperServer } from '../support/zookeeper-server.js';

/**
 * confd's integration layout (integration/confdir, the tree of integration/zookeeper/test.json)
 * plus a resource over ZooKeeper's edge cases, rendered by ctmpl on a real ZooKeeper. expect/
 * holds what the real confd rendered from the same tree; when `confd` is on PATH it is also run.
 */
const fixtures = resolve(fileURLToPath(new URL('../fixtures/confd-integration-zookeeper', import.meta.url)));
const zookeeper = findZookeeper('zookeeper CLI');
const confd = findConfd();
const env = { HOSTNAME: 'localhost' };

let server: ZookeeperServer | undefined;
before(async () => {
  if (zookeeper.skip) return;
  server = await startZookeeper();
  const tree = JSON.parse(await readFile(join(fixtures, 'zookeeper-tree.json'), 'utf8')) as unknown;
  const edges = JSON.parse(await readFile(join(fixtures, 'zookeeper-edges.json'), 'utf8')) as [string, string | null][];
  for (const prefix of ['', '/watch', '/interval', '/restart']) {
    await server.putJsonTree(prefix, tree);
    for (const [key, value] of edges) await server.put(`${prefix}${key}`, value);
  }
});
after(async () => server?.close());

function liveServer(): ZookeeperServer {
  assert.ok(server, 'the ZooKeeper server is running');
  return server;
}

/** Copies the fixture confdir under `dir`, its destinations moved from /tmp into `dir/out`. */
async function copyConfdir(dir: string): Promise<{ confdir: string; out: string }> {
  const confdir = join(dir, 'confdir');
  const out = join(dir, 'out');
  await cp(join(fixtures, 'confdir'), confdir, { recursive: true });
  await mkdir(out, { recursive: true });
  for (const name of await readdir(join(confdir, 'conf.d'))) {
    const path = join(confdir, 'conf.d', name);
    await writeFile(path, (await readFile(path, 'utf8')).replace('dest = "/tmp/', `dest = "${out}/`));
  }
  return { confdir, out };
}

async function expectedFiles(): Promise<Map<string, string>> {
  const names = await readdir(join(fixtures, 'expect'));
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(fixtures, 'expect', name), 'utf8')] as const)));
}

/** Waits until every file in `want` has exactly its text under `out`. */
async function waitForFiles(out: string, want: ReadonlyMap<string, string>, what: string): Promise<void> {
  await waitFor(async () => {
    for (const [name, text] of want) if ((await readIfExists(join(out, name))) !== text) return false;
    return true;
  }, what);
}

describe('confd integration layout on zookeeper', { skip: zookeeper.skip }, () => {
  it('renders basic, exists, iteration, manykeys and the edge cases in once mode as confd rendered them', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const { confdir, out } = await copyConfdir(dir);
      const result = await runCliInProcess(['-onetime', '-backend', 'zookeeper', '-node', liveServer().address, '-confdir', confdir], { env });
      assert.equal(result.code, 0, result.stderr);
      for (const [name, text] of await expectedFiles()) assert.equal(await readIfExists(join(out, name)), text, name);
    } finally {
      await cleanup();
    }
  });

  it('renders the same bytes as the real confd on the same tree', { skip: confd.skip }, async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const ours = await copyConfdir(join(dir, 'ctmpl'));
      const theirs = await copyConfdir(join(dir, 'confd'));
      const args = ['-onetime', '-backend', 'zookeeper', '-node', liveServer().address];
      const result = await runCliInProcess([...args, '-confdir', ours.confdir], { env });
      assert.equal(result.code, 0, result.stderr);
      const peer = spawnSync(confd.path!, [...args, '-confdir', theirs.confdir], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
      assert.equal(peer.status, 0, peer.stderr);
      for (const name of (await expectedFiles()).keys()) {
        assert.equal(await readIfExists(join(ours.out, name)), await readIfExists(join(theirs.out, name)), name);
      }
    } finally {
      await cleanup();
    }
  });

  it('renders in watch mode as confd does, then follows a changed node and a child added and removed', async () => {
    const zk = liveServer();
    const { dir, cleanup } = await makeTempDir();
    const { confdir, out } = await copyConfdir(dir);
    const cli = startCliInProcess(['-watch', '-backend', 'zookeeper', '-node', zk.address, '-prefix', '/watch', '-confdir', confdir], { env });
    try {
      const want = await expectedFiles();
      await waitForFiles(out, want, 'the first render');
      await zk.put('/watch/database/host', '10.9.9.9');
      const moved = (text: string) => text.replace('host=127.0.0.1', 'host=10.9.9.9');
      await waitForFiles(out, new Map([['confd-basic-test.conf', moved(want.get('confd-basic-test.conf')!)], ['confd-manykeys-test.conf', moved(want.get('confd-manykeys-test.conf')!)]]), 'the new host');
      await zk.put('/watch/upstream/app3', '10.0.1.12:8080');
      const iteration = want.get('confd-iteration-test.conf')!;
      const three = iteration.replace('  server 10.0.1.11:8080;\n', '  server 10.0.1.11:8080;\n  server 10.0.1.12:8080;\n');
      await waitForFiles(out, new Map([['confd-iteration-test.conf', three]]), 'the added upstream');
      await zk.delete('/watch/upstream/app3');
      await waitForFiles(out, new Map([['confd-iteration-test.conf', iteration]]), 'the removed upstream');
    } finally {
      await cli.stop();
      await cleanup();
    }
  });

  it('re-reads in interval mode and renders a changed node', async () => {
    const zk = liveServer();
    const { dir, cleanup } = await makeTempDir();
    const { confdir, out } = await copyConfdir(dir);
    const cli = startCliInProcess(['-interval', '1', '-backend', 'zookeeper', '-node', zk.address, '-prefix', '/interval', '-confdir', confdir], { env });
    try {
      await waitForFiles(out, await expectedFiles(), 'the first render');
      await zk.put('/interval/key', 'read on the next pass');
      await waitForFiles(out, new Map([['confd-exists-test.conf', 'value: read on the next pass\n']]), 'the next pass');
    } finally {
      await cli.stop();
      await cleanup();
    }
  });

  it('keeps its files while the server restarts, then re-reads and follows changes again', async () => {
    const zk = liveServer();
    const { dir, cleanup } = await makeTempDir();
    const { confdir, out } = await copyConfdir(dir);
    const cli = startCliInProcess(['-watch', '-backend', 'zookeeper', '-node', zk.address, '-prefix', '/restart', '-confdir', confdir], { env });
    try {
      const want = await expectedFiles();
      await waitForFiles(out, want, 'the first render');
      await zk.stop();
      await waitFor(() => /zookeeper 127\.0\.0\.1:\d+: connection/.test(cli.output()), 'the lost connection logged');
      await waitForFiles(out, want, 'the files kept');
      await zk.start();
      await zk.put('/restart/key', 'after the restart');
      await waitForFiles(out, new Map([['confd-exists-test.conf', 'value: after the restart\n']]), 'the re-render');
    } finally {
      await cli.stop();
      await cleanup();
    }
  });
});

describe('zookeeper CLI without a server', () => {
  it('fails in once mode naming the unreachable address, with no stack trace and no file', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const { confdir, out } = await copyConfdir(dir);
      const address = `127.0.0.1:${await freePort()}`;
      const args = ['-onetime', '-lookup-timeout', '1s', '-backend', 'zookeeper', '-node', address, '-confdir', confdir];
      const result = await runCliInProcess(args, { env });
      assert.equal(result.code, 69, result.stderr);
      assert.match(result.stderr, new RegExp(`zookeeper ${address}: connect ECONNREFUSED`));
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.deepEqual(await readdir(out), []);
    } finally {
      await cleanup();
    }
  });
});

/** The real confd, when on PATH (CI puts the reference binaries there). */
function findConfd(): { path?: string; skip?: string } {
  const found = spawnSync('sh', ['-c', 'command -v confd'], { encoding: 'utf8' }).stdout.trim();
  if (found) return { path: found };
  const reason = 'zookeeper CLI: the real confd is not on PATH (put the peers first on PATH); comparing with recorded output only';
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI)`);
  process.stderr.write(`SKIPPING ${reason}\n`);
  return { skip: reason };
}
