import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFlags } from '../../src/config/flags.js';
import { loadConfig } from '../../src/config/load.js';

const defaults = { prefix: 'ctmpl/dedup', ttlMs: 15_000, maxStaleMs: 2_000, blockQueryWaitMs: 60_000 };

const cases: { name: string; args: string[]; hcl?: string; want: unknown }[] = [
  { name: 'is off by default', args: [], want: undefined },
  { name: '-dedup turns it on with consul-template\'s defaults and ctmpl\'s own prefix', args: ['-dedup'], want: defaults },
  { name: 'deduplicate { enabled } turns it on', args: [], hcl: 'deduplicate {\n  enabled = true\n}', want: defaults },
  {
    name: 'reads prefix, TTL, max_stale and block_query_wait',
    args: [],
    hcl: 'deduplicate {\n  enabled = true\n  prefix = "/fleet/locks/"\n  TTL = "30s"\n  max_stale = "0s"\n  block_query_wait = "10s"\n}',
    want: { prefix: 'fleet/locks', ttlMs: 30_000, maxStaleMs: 0, blockQueryWaitMs: 10_000 },
  },
  { name: 'accepts ttl in lower case, as consul-template does', args: [], hcl: 'deduplicate {\n  enabled = true\n  ttl = "20s"\n}', want: { ...defaults, ttlMs: 20_000 } },
  { name: '-dedup=false wins over the file', args: ['-dedup=false'], hcl: 'deduplicate {\n  enabled = true\n}', want: undefined },
  { name: 'the flag turns on a block that only sets values', args: ['-dedup'], hcl: 'deduplicate {\n  prefix = "p"\n}', want: { ...defaults, prefix: 'p' } },
];

describe('fleet mode settings (-dedup, deduplicate {})', () => {
  let dir: string;
  let counter = 0;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'ctmpl-dedup-config-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function load(args: string[], hcl?: string) {
    const file = join(dir, `c${++counter}.hcl`);
    if (hcl !== undefined) await writeFile(file, hcl);
    const config = hcl === undefined ? [] : ['-config', file];
    return (await loadConfig(parseFlags(['-template', 'in.ctmpl:out', ...config, ...args]), dir)).config;
  }

  for (const { name, args, hcl, want } of cases) {
    it(name, async () => assert.deepEqual((await load(args, hcl)).dedup, want));
  }

  it('refuses a backend that cannot hold locks, naming it', async () => {
    await assert.rejects(load(['-dedup', '-backend', 'redis']), /-dedup: the redis backend cannot hold a fleet's locks; use consul or etcd/);
  });

  it('refuses a bad TTL, naming the setting', async () => {
    await assert.rejects(load([], 'deduplicate {\n  enabled = true\n  TTL = "soon"\n}'), /-deduplicate\.TTL "soon": want a duration/);
  });

  it('refuses an unknown key in the block, naming file, line and column', async () => {
    await assert.rejects(load([], 'deduplicate {\n  enabled = true\n  tll = "1s"\n}'), /c\d+\.hcl:3:3: unknown key "tll" in deduplicate/);
  });
});
