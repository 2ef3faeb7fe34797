import type { LogFormat, LogLevel } from '../types/log.js';
import type { TlsOptions } from '../types/tls.js';
import type { Flavor } from '../types/template.js';
import type { Wait } from './wait.js';
import type { DedupSettings } from './dedup.js';
import type { VaultAuthConfig, VaultConfig } from '../types/vault.js';
import { defaultVaultConfig } from './vault.js';

export type BackendName = 'file' | 'env' | 'etcd' | 'etcdv3' | 'redis' | 'consul' | 'zookeeper' | 'vault';
export const backendNames: readonly BackendName[] = ['file', 'env', 'etcd', 'etcdv3', 'redis', 'consul', 'zookeeper', 'vault'];

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
  readonly tls: TlsOptions;
  readonly maxStaleMs?: number;
  readonly retryMax: number;
  readonly statusAddress?: string;
  /** A template waiting this long for data is named in a warning, repeated at growing intervals. */
  readonly blockedWarningMs: number;
  /** Fleet mode (-dedup, deduplicate {}); absent: off. */
  readonly dedup?: DedupSettings;
  // operations: dry-run gate, lint, consul-template config files, exec mode, packaging
  /** -exit-code: a dry run exits 2 when a file would change (terraform's -detailed-exitcode). */
  readonly exitCode: boolean;
  /** -parse-only / `ctmpl check`: parse everything, report every error, touch nothing. */
  readonly parseOnly: boolean;
  readonly pidFile?: string;
  /** -exec / exec {}: the child ctmpl supervises (absent: no child). */
  readonly exec?: ExecSettings;
  /** consul-template's kill_signal / reload_signal (ctmpl also always exits on SIGINT/SIGTERM, reloads on SIGHUP). */
  readonly killSignal?: string;
  readonly reloadSignal?: string;
  // vault: `secret`/`secrets` (consul-template) and the confd vault backend's auth
  readonly vault: VaultConfig;
  readonly vaultAuth: VaultAuthConfig;
  /** -noop diffs show lines carrying values read from Vault (masked by default). */
  readonly showSecrets: boolean;
}

/** How ctmpl runs and signals its -exec child. */
export interface ExecSettings {
  readonly command: string;
  /** Sent on a change; absent: the child is restarted (kill signal, then start again). */
  readonly reloadSignal?: NodeJS.Signals;
  readonly killSignal: NodeJS.Signals;
  readonly killTimeoutMs: number;
  /** Random delay, up to this, before a reload or restart (spreads a fleet's restarts). */
  readonly splayMs: number;
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
  blockedWarningMs: 10_000,
  // operations
  exitCode: false,
  parseOnly: false,
  // vault
  vault: defaultVaultConfig,
  vaultAuth: {},
  showSecrets: false,
};
