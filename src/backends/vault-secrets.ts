import type { Backend, Snapshot } from './backend.js';
import type { Dependency } from '../types/dependency.js';
import type { VaultTlsOptions } from './vault/client.js';
import type { RetryPolicy } from '../retry-policy.js';
import type { VaultSource } from './vault/source.js';

/** consul-template's `vault {}` settings, resolved (flags, environment, ~/.vault-token). */
export interface VaultSourceOptions {
  readonly address: string;
  readonly token?: string;
  /** The token is a wrapping token: unwrap it first (`-vault-unwrap-token`). */
  readonly unwrapToken: boolean;
  /** Keep the client's token alive while ctmpl runs (`-vault-renew-token`). */
  readonly renewToken: boolean;
  readonly tls?: VaultTlsOptions;
  /** Lease assumed for secrets Vault gives none (KV v2), consul-template's 5 min. */
  readonly defaultLeaseMs: number;
  /** How often `secrets` lists are polled: Vault has no change feed (consul-template: 5 min). */
  readonly listPollMs: number;
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Retries of a failed re-read before the error goes to the runner (`-vault-retry*`); none when absent. */
  readonly retry?: RetryPolicy;
  /** Jitter source, injectable so tests can pin lease timing. */
  readonly random?: () => number;
}

const isVaultDep = (dep: Dependency): boolean => dep.type === 'vault.read' || dep.type === 'vault.write' || dep.type === 'vault.list';

/**
 * Serves `secret` and `secrets` (vault.read, vault.write, vault.list) from Vault in front of
 * whichever backend serves the rest, so templates mix Vault secrets with Consul keys. The
 * client is made on first use; from then on the token is renewed until `close`.
 */
export function withVaultSecrets(inner: Backend, options: VaultSourceOptions): Backend {
  // The Vault code (client, leases) loads with the first Vault dependency, not with every run.
  let source: Promise<VaultSource> | undefined;
  const sourceOf = () => (source ??= import('./vault/source.js').then(({ VaultSource }) => new VaultSource(options)));
  async function* vaultChanges(dep: Dependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    yield* (await sourceOf()).changes(dep, cursor, signal);
  }
  return {
    description: inner.description,
    supports: (dep) => isVaultDep(dep) || inner.supports(dep),
    snapshot: async (dep, signal) => (isVaultDep(dep) ? (await sourceOf()).snapshot(dep, signal) : inner.snapshot(dep, signal)),
    changes: (dep, cursor, signal) => (isVaultDep(dep) ? vaultChanges(dep, cursor, signal) : inner.changes(dep, cursor, signal)),
    close: async () => {
      if (source) await (await source).close();
      await inner.close();
    },
  } satisfies Backend;
}
