import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VaultSecret } from '../../../src/backends/backend.js';
import { leaseDelayMs } from '../../../src/backends/vault/leases.js';
import { addPrefixToKvPath } from '../../../src/backends/vault/secrets.js';

const secret = (extra: Partial<VaultSecret>): VaultSecret => ({
  RequestID: '', LeaseID: '', LeaseDuration: 0, Renewable: false, Data: new Map(), Warnings: [], Auth: null, WrapInfo: null, ...extra,
});

describe('Vault lease timing (consul-template 0.20.0 vaultRenewDuration)', () => {
  const timing = (random: number) => ({ defaultLeaseMs: 300_000, random: () => random });
  const cases = [
    { name: 'a renewable lease is renewed at a third, jittered down to a sixth', secret: secret({ LeaseDuration: 60, Renewable: true }), low: 10_000, high: 20_000 },
    { name: 'a non-renewable secret is re-read at 85-95 % of its lease', secret: secret({ LeaseDuration: 100 }), low: 85_000, high: 95_000 },
    { name: 'no lease (KV v2) counts as the default lease', secret: secret({}), low: 255_000, high: 285_000 },
    { name: 'an auth answer follows its token lease', secret: secret({ Auth: { ClientToken: 't', Accessor: '', Policies: [], Metadata: new Map(), LeaseDuration: 30, Renewable: true } }), low: 5_000, high: 10_000 },
    { name: "KV v1's 32-day lease is capped to what a timer can wait", secret: secret({ LeaseDuration: 2_764_800 }), low: 2_147_483_647, high: 2_147_483_647 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(leaseDelayMs(c.secret, timing(0)), c.low);
      assert.equal(leaseDelayMs(c.secret, timing(1)), c.high);
    });
  }
});

describe('KV v2 path rewriting (consul-template addPrefixToVKVPath)', () => {
  const cases = [
    { path: 'secret/app', mount: 'secret/', want: 'secret/data/app' },
    { path: 'secret/data/app', mount: 'secret/', want: 'secret/data/app' },
    { path: 'secret', mount: 'secret/', want: 'secret/data' },
    { path: 'secret/', mount: 'secret/', want: 'secret/data' },
    { path: 'team/kv/app/db', mount: 'team/kv/', want: 'team/kv/data/app/db' },
  ];
  for (const c of cases) it(`${c.path} on mount ${c.mount} reads ${c.want}`, () => assert.equal(addPrefixToKvPath(c.path, c.mount, 'data'), c.want));
});
