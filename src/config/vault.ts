import { CtmplError } from '../errors.js';
import type { VaultAuthConfig, VaultConfig } from '../types/vault.js';
import { parseDuration } from './wait.js';

export const defaultVaultConfig: VaultConfig = {
  renewToken: true,
  unwrapToken: false,
  retry: { enabled: true, attempts: 12, backoffMs: 250, maxBackoffMs: 60_000 },
  ssl: {},
  defaultLeaseMs: 5 * 60_000,
};

type Setting = (name: string) => unknown;

/** Builds the Vault settings from flag values (`setting` already merged the config file's). */
export function vaultConfigOf(setting: Setting): VaultConfig {
  const text = (name: string) => optionalText(setting(name), name);
  const flag = (name: string, fallback: boolean) => (setting(name) === undefined ? fallback : setting(name) === true || setting(name) === 'true');
  const duration = (name: string, fallback: number) => {
    const value = setting(name);
    return value === undefined ? fallback : typeof value === 'number' ? value * 1000 : parseDuration(String(value), `-${name}`);
  };
  const defaults = defaultVaultConfig;
  const attempts = setting('vault-retry-attempts');
  return {
    ...optional('address', text('vault-addr')),
    ...optional('token', text('vault-token')),
    renewToken: flag('vault-renew-token', defaults.renewToken),
    unwrapToken: flag('vault-unwrap-token', defaults.unwrapToken),
    retry: {
      enabled: flag('vault-retry', defaults.retry.enabled),
      attempts: attempts === undefined ? defaults.retry.attempts : Number(attempts),
      backoffMs: duration('vault-retry-backoff', defaults.retry.backoffMs),
      maxBackoffMs: duration('vault-retry-max-backoff', defaults.retry.maxBackoffMs),
    },
    ssl: {
      ...optional('enabled', setting('vault-ssl') === undefined ? undefined : flag('vault-ssl', false)),
      ...optional('verify', setting('vault-ssl-verify') === undefined ? undefined : flag('vault-ssl-verify', true)),
      ...optional('cert', text('vault-ssl-cert')),
      ...optional('key', text('vault-ssl-key')),
      ...optional('caCert', text('vault-ssl-ca-cert')),
      ...optional('caPath', text('vault-ssl-ca-path')),
      ...optional('serverName', text('vault-ssl-server-name')),
    },
    defaultLeaseMs: duration('vault-default-lease-duration', defaults.defaultLeaseMs),
  };
}

/** Builds confd's vault auth settings from flag values. */
export function vaultAuthOf(setting: Setting): VaultAuthConfig {
  const text = (name: string) => optionalText(setting(name), name);
  return {
    ...optional('type', text('auth-type')),
    ...optional('roleId', text('role-id')),
    ...optional('secretId', text('secret-id')),
    ...optional('path', text('path')),
    ...optional('appId', text('app-id')),
    ...optional('userId', text('user-id')),
  };
}

/** consul-template's `vault {}` table keys → the flags they set. */
const vaultTableKeys: Readonly<Record<string, string>> = {
  address: 'vault-addr', token: 'vault-token', 'renew-token': 'vault-renew-token', 'unwrap-token': 'vault-unwrap-token',
  'default-lease-duration': 'vault-default-lease-duration',
};
const retryTableKeys: Readonly<Record<string, string>> = {
  enabled: 'vault-retry', attempts: 'vault-retry-attempts', backoff: 'vault-retry-backoff', 'max-backoff': 'vault-retry-max-backoff',
};
const sslTableKeys: Readonly<Record<string, string>> = {
  enabled: 'vault-ssl', verify: 'vault-ssl-verify', cert: 'vault-ssl-cert', key: 'vault-ssl-key', 'ca-cert': 'vault-ssl-ca-cert', 'ca-path': 'vault-ssl-ca-path',
  'server-name': 'vault-ssl-server-name',
};

/** Flattens a config file's `vault { … retry { … } ssl { … } }` table into flag values; unknown keys fail naming the file. */
export function vaultTableToFlags(table: unknown, file: string): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  const visit = (value: unknown, keys: Readonly<Record<string, string>>, where: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CtmplError('CONFIG', `${file}: "${where}" must be a table`);
    for (const [rawKey, item] of Object.entries(value)) {
      const key = rawKey.replaceAll('_', '-');
      if (where === 'vault' && key === 'retry') visit(item, retryTableKeys, 'vault.retry');
      else if (where === 'vault' && key === 'ssl') visit(item, sslTableKeys, 'vault.ssl');
      else if (keys[key]) flags[keys[key]!] = item;
      else throw new CtmplError('CONFIG', `${file}: unknown key "${where}.${rawKey}"`);
    }
  };
  visit(table, vaultTableKeys, 'vault');
  return flags;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CtmplError('USAGE', `-${name} must be a string`);
  return value;
}
