import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTempDir } from '../../test/support/cli.js';
import { startVault } from '../../test/support/vault-server.js';
import { summarizeLatency, type ScenarioResult } from '../report.js';
import { ContentProbe } from '../support/content-probe.js';
import { withDaemon } from '../support/daemon.js';

/**
 * Vault has no change feed: a rotated secret is seen when its lease runs out (re-read at
 * 85–95 % of it, as consul-template does). This measures rotation→file for a KV v2 secret with
 * a 250 ms lease (`-vault-default-lease-duration`): the figure is bound by the lease, plus the
 * read and the write.
 */
const LEASE_MS = 250;

export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const rotations = size === 'full' ? 40 : 3;
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-vault-');
  const vault = await startVault();
  try {
    await vault.reset();
    await vault.must('POST', 'secret/data/app', JSON.stringify({ data: { value: 'v-init' } }));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'value.ctmpl'), 'value={{with secret "secret/app"}}{{.Data.data.value}}{{end}}\n');
    const args = [
      '-vault-addr', vault.address, '-vault-token', 'root', '-vault-renew-token=false',
      '-vault-default-lease-duration', `${LEASE_MS}ms`, '-template', 'value.ctmpl:value.out',
    ];
    const probe = new ContentProbe(join(dir, 'value.out'));
    try {
      const samples = await withDaemon(args, dir, async () => {
        await probe.waitFor((text) => text === 'value=v-init\n', 'vault: the first render', 20_000);
        const measured: number[] = [];
        for (let i = -2; i < rotations; i++) {
          const value = `v-${i}-${Date.now()}`;
          const started = performance.now();
          await vault.must('POST', 'secret/data/app', JSON.stringify({ data: { value } }));
          const seen = await probe.waitFor((text) => text === `value=${value}\n`, `vault rotation ${i}`);
          if (i >= 0) measured.push(seen - started);
          await delay(10);
        }
        return measured;
      });
      return {
        scenario: 'vault-rotation',
        title: 'Vault secret rotation→file latency (lease-bound)',
        method: `a daemon renders one KV v2 secret re-read at 85–95 % of a ${LEASE_MS} ms lease; ${rotations} times (after 2 unmeasured): write a new version, time until the destination holds it`,
        size,
        measurements: [summarizeLatency(`rotation→file vault (lease ${LEASE_MS} ms)`, samples)],
      };
    } finally {
      probe.close();
    }
  } finally {
    await vault.close();
    await cleanup();
  }
}
