import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePayload } from '../../src/runner/dedup/payload.js';
import { makeTempDir, readIfExists, startCliInProcess, waitFor, type InProcessCli } from '../support/cli.js';
import { findConsul, startConsulAgent, type TestConsul } from '../support/consul-agent.js';
import { request } from '../support/http.js';
import { findVault, startVault, type VaultServer } from '../support/vault-server.js';

const consulBinary = findConsul('fleet mode on Consul');
const vault = findVault('fleet mode on Consul with Vault');
const PREFIX = 'ctmpl/dedup';

interface KvEntry {
  readonly Key: string;
  readonly Value: string | null;
  readonly Session?: string;
}

/** Fleet mode (-dedup) on a real Consul agent; instances in this process (the kill -9 cases are in test/reliability/dedup-failover.test.ts). */
describe('fleet mode (-dedup) on Consul', { skip: consulBinary ? false : 'needs a real consul agent (sessions and locks)' }, () => {
  let consul: TestConsul;
  let dir: string;
  let cleanup: () => Promise<void>;
  const running: InProcessCli[] = [];
  let counter = 0;

  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-dedup-'));
    consul = await startConsulAgent({ binary: consulBinary! });
  });
  after(async () => {
    await Promise.all(running.map((cli) => cli.stop()));
    await consul?.close();
    await cleanup?.();
  });
  beforeEach(async () => {
    await Promise.all(running.splice(0).map((cli) => cli.stop()));
    await consul.clear();
  });

  const api = async (method: string, path: string) => {
    const response = await request(`${consul.url}${path}`, { method: method as 'GET' });
    return { status: response.statusCode, text: await response.body.text() };
  };
  const entries = async (): Promise<KvEntry[]> => {
    const { status, text } = await api('GET', `/v1/kv/${PREFIX}?recurse`);
    return status === 200 ? (JSON.parse(text) as KvEntry[]) : [];
  };
  const sessions = async () => (JSON.parse((await api('GET', '/v1/session/list')).text) as unknown[]).length;
  /** The instances whose last word on their role is that they lead. */
  const leaders = () => running.filter((cli) => cli.output().lastIndexOf('leading:') > cli.output().lastIndexOf('following the published data'));

  /** A folder with the template, and `start(n)` for instance n writing `out<n>` there. */
  async function fleet(template: string, extra: readonly string[] = []) {
    const root = join(dir, `case-${++counter}`);
    await mkdir(root);
    await writeFile(join(root, 't.ctmpl'), template);
    const start = (n: number, args: readonly string[] = []) => {
      const cli = startCliInProcess(['-consul-addr', `127.0.0.1:${consul.port}`, '-dedup', '-template', `t.ctmpl:out${n}`, '-log-level', 'debug', ...extra, ...args], { cwd: root });
      running.push(cli);
      return cli;
    };
    const out = (n: number) => readIfExists(join(root, `out${n}`));
    const allRead = (ns: readonly number[], text: string, what: string) =>
      waitFor(async () => (await Promise.all(ns.map(out))).every((content) => content === text), what);
    return { root, start, out, allRead };
  }

  it('elects one leader per template; the followers hold no session and render what it publishes', async () => {
    await consul.putKey('app/port', '8080');
    const { start, allRead } = await fleet('port={{ key "app/port" }}\n');
    start(1);
    await allRead([1], 'port=8080\n', 'the first instance');
    start(2);
    start(3);
    await allRead([1, 2, 3], 'port=8080\n', 'all three');
    assert.equal(leaders().length, 1, 'one leader');
    assert.match(running[0]!.output(), /leading:/);
    assert.equal(await sessions(), 1, 'only the leader holds a session');
    const kv = await entries();
    const lock = kv.find((entry) => entry.Key.endsWith('/lock'));
    const data = kv.find((entry) => entry.Key.endsWith('/data'));
    assert.ok(lock?.Session && lock.Session === data?.Session, 'the leader holds the lock and the data key');
    const published = decodePayload(Buffer.from(data!.Value!, 'base64'));
    assert.deepEqual(published, { kind: 'data', data: new Map([['kv.get(/app/port)', '8080']]) });
    await consul.putKey('app/port', '9090');
    await allRead([1, 2, 3], 'port=9090\n', 'all three follow a change');
    for (const follower of running.slice(1)) assert.match(follower.output(), /following the published data/);
    for (const follower of running.slice(1)) assert.doesNotMatch(follower.output(), /leading:/);
  });

  it('a late follower renders the current data at once; a clean stop hands the lead over at once', async () => {
    await consul.putKey('app/name', 'one');
    await consul.registerService({ ID: 'web1', Name: 'web', Address: '10.0.0.1', Port: 80, Tags: [], Status: 'passing' });
    const { start, allRead } = await fleet('{{ key "app/name" }}:{{ range service "web" }}{{ .Address }} {{ end }}\n');
    const instances = [start(1), start(2)];
    await allRead([1, 2], 'one:10.0.0.1 \n', 'two instances');
    instances.push(start(3));
    await allRead([3], 'one:10.0.0.1 \n', 'the late follower');
    const [leader] = leaders();
    assert.ok(leader === instances[0] || leader === instances[1]);
    const stopped = Date.now();
    assert.equal(await leader!.stop(), 0);
    running.splice(running.indexOf(leader!), 1);
    await waitFor(() => leaders().length === 1, 'a new leader', 10_000);
    assert.ok(Date.now() - stopped < 5_000, `took over in ${Date.now() - stopped} ms`);
    await consul.registerService({ ID: 'web2', Name: 'web', Address: '10.0.0.2', Port: 80, Tags: [], Status: 'passing' });
    const rest = [1, 2, 3].filter((n) => instances[n - 1] !== leader);
    await allRead(rest, 'one:10.0.0.1 10.0.0.2 \n', 'the other two follow a registration');
  });

  it('gives a template that differs between instances its own leader', async () => {
    await consul.putKey('app/a', 'A');
    const one = await fleet('a={{ key "app/a" }}\n');
    const two = await fleet('a={{ key "app/a" }} (other)\n');
    one.start(1);
    two.start(1);
    await one.allRead([1], 'a=A\n', 'template one');
    await two.allRead([1], 'a=A (other)\n', 'template two');
    assert.equal(leaders().length, 2, 'each template has its own leader');
    const locks = (await entries()).filter((entry) => entry.Key.endsWith('/lock'));
    assert.equal(locks.length, 2);
    assert.ok(locks.every((lock) => lock.Session));
  });

  it('hands a template over at once when a reload drops it, while the instance keeps leading its others', async () => {
    await consul.putKey('app/r', 'r1');
    const one = await fleet('r={{ key "app/r" }}\n');
    const two = await fleet('r={{ key "app/r" }}\n');
    const first = one.start(1);
    await one.allRead([1], 'r=r1\n', 'the first instance');
    const second = two.start(1);
    await two.allRead([1], 'r=r1\n', 'the second instance, following');
    assert.deepEqual(leaders(), [first]);
    // The first instance's template changes: it leaves the old one's election and leads the new one.
    await writeFile(join(one.root, 't.ctmpl'), 'r={{ key "app/r" }} (edited)\n');
    await one.allRead([1], 'r=r1 (edited)\n', 'the edited template');
    await waitFor(() => leaders().length === 2, 'the second instance leading the old template', 5_000);
    await consul.putKey('app/r', 'r2');
    await one.allRead([1], 'r=r2 (edited)\n', 'the first follows');
    await two.allRead([1], 'r=r2\n', 'the second follows');
    assert.equal(second.output().match(/leading:/g)?.length, 1);
  });

  it('falls back to watching directly when the data is over Consul\'s 512 KiB, and says so', async () => {
    // Random base64 compresses to 3/4: three 300 KiB keys make a payload well over the limit.
    const big = () => randomBytes(225 * 1024).toString('base64');
    for (const key of ['big/a', 'big/b', 'big/d']) await consul.putKey(key, big());
    await consul.putKey('big/c', 'c1');
    const { start, allRead } = await fleet('{{ range ls "big" }}{{ .Key }}={{ len .Value }} {{ end }}{{ key "big/c" }}\n');
    start(1);
    start(2);
    const want = (c: string) => `a=307200 b=307200 c=${c.length} d=307200 ${c}\n`;
    await allRead([1, 2], want('c1'), 'both render');
    const data = (await entries()).find((entry) => entry.Key.endsWith('/data'));
    const published = decodePayload(Buffer.from(data!.Value!, 'base64'));
    assert.equal(published.kind, 'direct');
    const [leader] = leaders();
    const follower = running.find((cli) => cli !== leader)!;
    assert.match(leader!.output(), /more than consul http:\/\/127\.0\.0\.1:\d+ takes in one value \(512 KiB\): every instance watches its dependencies directly/);
    await waitFor(() => /watching its dependencies directly/.test(follower.output()), 'the follower saying so');
    await consul.putKey('big/c', 'c22');
    await allRead([1, 2], want('c22'), 'both follow a change');
  });

  it('ignores data it cannot read under its prefix, never rendering it', async () => {
    await consul.putKey('app/v', 'good');
    const { start, allRead, out } = await fleet('v={{ key "app/v" }}\n');
    start(1);
    start(2);
    await allRead([1, 2], 'v=good\n', 'both');
    const data = (await entries()).find((entry) => entry.Key.endsWith('/data'))!;
    const [leader] = leaders();
    const follower = running.find((cli) => cli !== leader)!;
    // Another tool's data (consul-template's gob+lzw, say) under the same key; the leader's session still holds it.
    await request(`${consul.url}/v1/kv/${data.Key}?acquire=${data.Session}`, { method: 'PUT', body: 'not ctmpl data' });
    await waitFor(() => /the published data is unreadable \(not a ctmpl payload/.test(follower.output()), 'the follower logging it');
    assert.deepEqual(await Promise.all([out(1), out(2)]), ['v=good\n', 'v=good\n']);
  });
});

describe('fleet mode (-dedup) with Vault secrets', { skip: !consulBinary ? 'needs a real consul agent' : vault.skip ?? false }, () => {
  let consul: TestConsul;
  let server: VaultServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-dedup-vault-'));
    [consul, server] = await Promise.all([startConsulAgent({ binary: consulBinary! }), startVault(vault.path)]);
    await server.reset();
  });
  after(async () => {
    await Promise.all([consul?.close(), server?.close()]);
    await cleanup?.();
  });

  it('never publishes Vault data: each instance reads its secrets itself, the rest is shared', async () => {
    await server.must('POST', 'secret/data/db', '{"data":{"password":"s3cr3t-Pa55word"}}');
    await consul.putKey('app/host', 'db.internal');
    await writeFile(join(dir, 't.ctmpl'), 'host={{ key "app/host" }} password={{ with secret "secret/db" }}{{ .Data.data.password }}{{ end }}\n');
    const start = (n: number) =>
      startCliInProcess(['-consul-addr', `127.0.0.1:${consul.port}`, '-vault-addr', server.address, '-vault-token', 'root', '-vault-renew-token=false', '-dedup', '-template', `t.ctmpl:out${n}`], { cwd: dir, env: { HOME: dir } });
    const instances = [start(1), start(2)];
    try {
      const want = 'host=db.internal password=s3cr3t-Pa55word\n';
      await waitFor(async () => (await readIfExists(join(dir, 'out1'))) === want && (await readIfExists(join(dir, 'out2'))) === want, 'both render the secret');
      const response = await request(`${consul.url}/v1/kv/ctmpl/dedup?recurse`);
      const kv = (await response.body.json()) as KvEntry[];
      const data = kv.find((entry) => entry.Key.endsWith('/data'))!;
      const published = decodePayload(Buffer.from(data.Value!, 'base64'));
      assert.deepEqual(published, { kind: 'data', data: new Map([['kv.get(/app/host)', 'db.internal']]) });
      assert.ok(!JSON.stringify(kv).includes('s3cr3t'));
      await server.must('POST', 'secret/data/db', '{"data":{"password":"rotated-Pa55word"}}');
      await consul.putKey('app/host', 'db2.internal');
      const next = 'host=db2.internal password=';
      await waitFor(async () => (await readIfExists(join(dir, 'out1')))?.startsWith(next) && (await readIfExists(join(dir, 'out2')))?.startsWith(next), 'both follow the shared key');
    } finally {
      await Promise.all(instances.map((cli) => cli.stop()));
    }
  });
});
