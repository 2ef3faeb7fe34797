import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the token comes from when no flag gave it: VAULT_TOKEN, then ~/.vault-token (as the Vault CLI). */
export function vaultTokenFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.VAULT_TOKEN) return env.VAULT_TOKEN;
  if (!env.HOME) return undefined;
  try {
    return readFileSync(join(env.HOME, '.vault-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
