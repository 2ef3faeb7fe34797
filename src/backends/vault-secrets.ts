import type { Backend, Snapshot } from './backend.js';
import type { Dependency } from '../types/dependency.js';
import type { VaultSource, VaultSourceOptions } from './vault/source.js';

export type { VaultSourceOptions };

const isVaultDep = (dep: Dependency): boolean => dep.type.startsWith('vault.');

/**
 * Serves `secret`, `secrets` and `pkiCert` (vault.read, vault.write, vault.list, vault.pki) from Vault in front of
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
    addressOf: (dep) => (isVaultDep(dep) ? `vault ${options.address}` : (inner.addressOf?.(dep) ?? inner.description)),
    supports: (dep) => isVaultDep(dep) || inner.supports(dep),
    snapshot: async (dep, signal) => (isVaultDep(dep) ? (await sourceOf()).snapshot(dep, signal) : inner.snapshot(dep, signal)),
    changes: (dep, cursor, signal) => (isVaultDep(dep) ? vaultChanges(dep, cursor, signal) : inner.changes(dep, cursor, signal)),
    close: async () => {
      if (source) await (await source).close();
      await inner.close();
    },
  } satisfies Backend;
}
