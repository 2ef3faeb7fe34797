import type { LogFormat, LogLevel } from '../log.js';
import type { Flavor } from '../template/functions/context.js';
import type { Wait } from './wait.js';
import { defaultVaultConfig, type VaultAuthConfig, type VaultConfig } from './vault.js';

export type BackendName = 'file' | 'env' | 'etcd' | 'etcdv3' | 'redis' | 'consul' | 'vault';
export const backendNames: readonly BackendName[] = ['file', 'env', 'etcd', 'etcdv3', 'redis', 'consul', 'vault'];

export interface TlsConfig {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly verify: boolean;
}

/**
 * The whole run configuration, after defaults, the config file and flags were merged
 * (in that order: flags win, unlike confd where the file wins).
 */
export interface Config {
  readonly backend: BackendName;
  readonly nodes: readonly string[];
  readonly confdir: string;
  readonly configFile?: string;
  readonly onetime: boolean;
  readonly noop: boolean;
  readonly watch: boolean;
  /** Poll interval in seconds (confd's -interval); used when `watch` is false and not onetime. */
  readonly interval: number;
  readonly prefix: string;
  readonly files: readonly string[];
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly templates: readonly string[];
  readonly flavor?: Flavor;
  readonly commandTimeoutMs: number;
  readonly lookupTimeoutMs: number;
  readonly wait?: Wait;
  readonly waitAtStart: boolean;
  readonly reloadErrorFatal: boolean;
  readonly servicesPrefix: string;
  readonly functionDenylist: readonly string[];
  readonly sandboxPath?: string;
  readonly separator: string;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly tls: TlsConfig;
  readonly maxStaleMs?: number;
  readonly retryMax: number;
  readonly statusAddress?: string;
  // vault: `secret`/`secrets` (consul-template) and the confd vault backend's auth
  readonly vault: VaultConfig;
  readonly vaultAuth: VaultAuthConfig;
  /** -noop diffs show lines carrying values read from Vault (masked by default). */
  readonly showSecrets: boolean;
}

export const defaultConfig: Config = {
  backend: 'file',
  nodes: [],
  confdir: '/etc/confd',
  onetime: false,
  noop: false,
  watch: false,
  interval: 600,
  prefix: '/',
  files: [],
  logLevel: 'info',
  logFormat: 'text',
  templates: [],
  commandTimeoutMs: 60_000,
  lookupTimeoutMs: 10_000,
  waitAtStart: true,
  reloadErrorFatal: false,
  servicesPrefix: '/services',
  functionDenylist: [],
  separator: '/',
  tls: { verify: true },
  retryMax: Infinity,
  // vault
  vault: defaultVaultConfig,
  vaultAuth: {},
  showSecrets: false,
};
