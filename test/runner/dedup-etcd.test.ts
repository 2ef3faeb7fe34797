import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePayload } from '../../src/runner/dedup/payload.js';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, readIfExists, startCli, startCliInProcess, waitFor } from '../support/cli.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { recordFigure } from '../support/figures.js';
import { freePort } from '../support/ports.js';
import { readStatus } from '../support/status.js';

const { skip } = findBinary('etcd', 'etcd-server', 'fleet mode on etcd');

interface Output {
  output(): string;
}

/** The instances whose last word on their role is that they lead. */
const leadersOf = <T extends Output>(instances: readonly T[]) =>
  instances.filter((cli) => cli.output().lastIndexOf('leading:') > cli.output().lastIndexOf('following the published data'));

const decodeKv = (kv: { key: string; value?: string; create_revision?: string }) => ({
  key: Buffer.from(kv.key, 'base64').toString(),
  value: Buffer.from(kv.value ?? '', 'base64'),
  createRevision: BigInt(kv.create_revision ?? '0'),
});

/** Fleet mode (-dedup) on a real etcd: a lease per instance, etcd's election recipe, one watched data key. */
describe('fleet mode (-dedup) on etcd', { skip }, () => {
  let etcd: EtcdServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-dedup-etcd-'));
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.close();
    await cleanup?.();
  });

  const prefixKeys = async (prefix: string) => {
    const end = Buffer.from(prefix);
    end[end.length - 1] += 1;
    const answer = (await etcd.call('/v3/kv/range', { key: Buffer.from(prefix).toString('base64'), range_end: end.toString('base64') })) as { kvs?: { key: string; value?: string; create_revision?: string }[] };
    return (answer.kvs ?? []).map(decodeKv);
  };

  async function caseDir(template: string) {
    const root = join(dir, `case-${++counter}`);
    await mkdir(root);
    await writeFile(join(root, 't.tmpl'), template);
    // A short lease, so that a killed leader is replaced within seconds.
    await writeFile(join(root, 'dedup.hcl'), 'deduplicate {\n  enabled = true\n  TTL = "3s"\n}\n');
    const args = (n: number) => ['-backend', 'etcd', '-node', etcd.url, '-config', 'dedup.hcl', '-template', `t.tmpl:out${n}`, '-log-level', 'debug'];
    const out = (n: number) => readIfExists(join(root, `out${n}`));
    const allRead = (ns: readonly number[], text: string, what: string, timeoutMs?: number) =>
      waitFor(async () => (await Promise.all(ns.map(out))).every((content) => content === text), what, timeoutMs);
    return { root, args, allRead };
  }

  it('elects the lowest create revision; followers watch the data key; a clean stop hands over at once; a late follower renders at once', async () => {
    await etcd.put('/svc/web/a', '10.0.0.1:80');
    await etcd.put('/svc/web/b', '10.0.0.2:80');
    const { root, args, allRead } = await caseDir('{{ range ls "/svc/web" }}{{ .Key }}={{ .Value }} {{ end }}\n');
    const instances = [startCliInProcess(args(1), { cwd: root })];
    try {
      await waitFor(() => leadersOf(instances).length === 1, 'the first instance leading');
      instances.push(startCliInProcess(args(2), { cwd: root }));
      await allRead([1, 2], 'a=10.0.0.1:80 b=10.0.0.2:80 \n', 'both render');
      const [leader] = leadersOf(instances);
      const keys = await prefixKeys('ctmpl/dedup/');
      const candidates = keys.filter((kv) => kv.key.includes('/election/')).sort((a, b) => Number(a.createRevision - b.createRevision));
      assert.equal(candidates.length, 2, 'both are candidates');
      assert.equal(leader, instances[0], 'the first to stand (lowest create revision) still leads');
      const data = keys.find((kv) => kv.key.endsWith('/data'))!;
      assert.deepEqual(decodePayload(data.value), { kind: 'data', data: new Map([['kv.list(/svc/web)', new Map([['/svc/web/a', '10.0.0.1:80'], ['/svc/web/b', '10.0.0.2:80']])]]) });
      await etcd.put('/svc/web/c', '10.0.0.3:80');
      await allRead([1, 2], 'a=10.0.0.1:80 b=10.0.0.2:80 c=10.0.0.3:80 \n', 'both follow a registration');
      instances.push(startCliInProcess(args(3), { cwd: root }));
      await allRead([3], 'a=10.0.0.1:80 b=10.0.0.2:80 c=10.0.0.3:80 \n', 'the late follower');
      const stopped = Date.now();
      assert.equal(await leader!.stop(), 0);
      const rest = instances.slice(1);
      await waitFor(() => leadersOf(rest).length === 1, 'a new leader', 10_000);
      assert.equal(leadersOf(rest)[0], instances[1], 'the next candidate in line');
      assert.ok(Date.now() - stopped < 2_000, `took over in ${Date.now() - stopped} ms (the lease was revoked)`);
      await etcd.delete('/svc/web/a');
      await allRead([2, 3], 'b=10.0.0.2:80 c=10.0.0.3:80 \n', 'the other two follow a deregistration');
    } finally {
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });

  it('shows each instance\'s role in /status, on the page and in /metrics; the follower shows it leads after a clean stop', async () => {
    await etcd.put('/role/v', '1');
    const { root, args, allRead } = await caseDir('v={{ key "/role/v" }}\n');
    const ports = [await freePort(), await freePort()];
    const instances = [1, 2].map((n) => startCliInProcess([...args(n), '-status-addr', `127.0.0.1:${ports[n - 1]}`], { cwd: root }));
    const roleOf = async (n: number) => (await readStatus(ports[n]!)).templates[0]?.fleet?.role;
    try {
      await allRead([1, 2], 'v=1\n', 'both render');
      await waitFor(async () => [await roleOf(0), await roleOf(1)].sort().join() === 'follower,leader', 'one leader and one follower in /status');
      const leader = (await roleOf(0)) === 'leader' ? 0 : 1;
      const follower = 1 - leader;
      const [leading, following] = [(await readStatus(ports[leader]!)).templates[0]!.fleet!, (await readStatus(ports[follower]!)).templates[0]!.fleet!];
      assert.match(leading.key, /^ctmpl\/dedup\/[0-9a-f]+\/data$/);
      assert.equal(following.key, leading.key, 'one data key for the template');
      assert.equal(leading.lastPublished?.direct, false);
      const stored = (await prefixKeys(leading.key)).find((kv) => kv.key === leading.key);
      assert.equal(leading.lastPublished?.bytes, stored?.value.length, 'the bytes the store holds');
      assert.match(following.lastReceived?.version ?? '', /^\d+$/);
      const metrics = await (await fetch(`http://127.0.0.1:${ports[leader]}/metrics`)).text();
      assert.match(metrics, /^ctmpl_template_fleet_leader\{destination="[^"]*out\d"\} 1$/m);
      assert.match(metrics, /^ctmpl_template_fleet_follower\{destination="[^"]*out\d"\} 0$/m);
      assert.match(await (await fetch(`http://127.0.0.1:${ports[follower]}/`)).text(), /fleet: leader of 0, follower of 1/);

      assert.equal(await instances[leader]!.stop(), 0);
      await waitFor(async () => (await roleOf(follower)) === 'leader', 'the follower leading in /status', 10_000);
      assert.match(await (await fetch(`http://127.0.0.1:${ports[follower]}/metrics`)).text(), /^ctmpl_template_fleet_leader\{destination="[^"]*out\d"\} 1$/m);
      await etcd.put('/role/v', '2');
      await allRead([follower + 1], 'v=2\n', 'the new leader renders a change');
    } finally {
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });

  it('falls back to watching directly when the data is over etcd\'s 1.5 MiB request limit, and says so', async () => {
    // Random base64 compresses to 3/4: four 600 KiB values make about 1.8 MiB.
    for (const name of ['a', 'b', 'c', 'd']) await etcd.put(`/big/${name}`, randomBytes(450 * 1024).toString('base64'));
    await etcd.put('/big/v', 'v1');
    const { root, args, allRead } = await caseDir('{{ range ls "/big" }}{{ .Key }}={{ len .Value }} {{ end }}\n');
    const want = (v: string) => `a=614400 b=614400 c=614400 d=614400 v=${v.length} \n`;
    const instances = [startCliInProcess(args(1), { cwd: root })];
    try {
      await waitFor(() => leadersOf(instances).length === 1, 'the first instance leading');
      instances.push(startCliInProcess(args(2), { cwd: root }));
      await allRead([1, 2], want('v1'), 'both render');
      const data = (await prefixKeys('ctmpl/dedup/')).find((kv) => kv.key.endsWith('/data'))!;
      assert.equal(decodePayload(data.value).kind, 'direct');
      assert.match(instances[0]!.output(), /more than etcd http:\/\/127\.0\.0\.1:\d+ takes in one value \(1520 KiB\): every instance watches its dependencies directly/);
      await waitFor(() => /watching its dependencies directly/.test(instances[1]!.output()), 'the follower saying so');
      await etcd.put('/big/v', 'v22');
      await allRead([1, 2], want('v22'), 'both follow a change');
    } finally {
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });

  it('replaces a leader killed with SIGKILL once its lease expires; the followers keep their files meanwhile', async () => {
    await etcd.put('/kill/v', '1');
    const { root, args, allRead } = await caseDir('v={{ key "/kill/v" }}\n');
    const instances = [1, 2, 3].map((n) => startCli(args(n), { cwd: root }));
    try {
      await allRead([1, 2, 3], 'v=1\n', 'all three');
      await waitFor(() => leadersOf(instances).length === 1, 'one leader');
      const [leader] = leadersOf(instances);
      const followers = [1, 2, 3].filter((n) => instances[n - 1] !== leader);
      leader!.child.kill('SIGKILL');
      const killedAt = Date.now();
      await etcd.put('/kill/v', '2');
      await allRead(followers, 'v=2\n', 'the followers follow the next change', 15_000);
      const seconds = (Date.now() - killedAt) / 1000;
      assert.ok(seconds < 8, `followed after ${seconds} s with a 3 s TTL`);
      recordFigure('dedup', 'etcd (TTL 3 s): the fleet follows a change after its leader was killed -9 (s)', Math.round(seconds * 10) / 10);
    } finally {
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });
});
