import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CtmplError } from '../errors.js';
import { lineOfKey, readTomlFile } from './toml.js';
import { vaultTableToFlags } from './vault.js';

/**
 * The global config file: ctmpl.toml, which also reads every key of confd.toml. Keys may be
 * written snake_case (confd) or kebab-case (our flags); both mean the flag of the same name.
 */
export interface ConfigFile {
  readonly path: string;
  /** Flag name → value, e.g. { backend: 'etcd', node: ['http://…'], 'log-level': 'debug' }. */
  readonly values: Readonly<Record<string, unknown>>;
  /** consul-template style [[template]] blocks. */
  readonly templates: readonly Readonly<Record<string, unknown>>[];
  /** Keys confd knows that ctmpl ignores (warned about once). */
  readonly ignoredKeys: readonly string[];
}

/** confd.toml / ctmpl.toml key → the flag it sets. */
const keyToFlag: Record<string, string> = {
  backend: 'backend', confdir: 'confdir', nodes: 'node', node: 'node', prefix: 'prefix', 'log-level': 'log-level',
  'log-format': 'log-format', interval: 'interval', noop: 'noop', watch: 'watch', onetime: 'onetime', file: 'file',
  separator: 'separator', username: 'username', password: 'password', 'auth-token': 'auth-token',
  'client-cert': 'client-cert', 'client-key': 'client-key', 'client-cakeys': 'client-ca-keys',
  'client-ca-keys': 'client-ca-keys', flavor: 'flavor', wait: 'wait', 'command-timeout': 'command-timeout',
  'lookup-timeout': 'lookup-timeout', 'reload-error-fatal': 'reload-error-fatal', 'services-prefix': 'services-prefix',
  'function-denylist': 'function-denylist', 'sandbox-path': 'sandbox-path', 'status-addr': 'status-addr',
  'blocked-warning': 'blocked-warning',
  'retry-max': 'retry-max', 'max-stale': 'max-stale', 'consul-addr': 'consul-addr', 'consul-token': 'consul-token',
  'token-file': 'token-file', 'tls-server-name': 'tls-server-name', 'tls-skip-verify': 'tls-skip-verify',
  'initial-wait': 'initial-wait', scheme: 'scheme',
  // operations
  'pid-file': 'pid-file', exec: 'exec', 'exec-reload-signal': 'exec-reload-signal', 'exec-kill-signal': 'exec-kill-signal',
  'exec-kill-timeout': 'exec-kill-timeout', 'exec-splay': 'exec-splay',
  // vault (confd's vault backend auth; `vault {}` is a table, see vault.ts)
  'auth-type': 'auth-type', 'app-id': 'app-id', 'user-id': 'user-id', 'role-id': 'role-id', 'secret-id': 'secret-id', path: 'path',
  'show-secrets': 'show-secrets',
};

/** confd keys for backends or features ctmpl does not have. */
const confdOnlyKeys = new Set([
  'basic-auth', 'filter', 'secret-keyring', 'srv-domain', 'srv-record', 'sync-only', 'table', 'keep-stage-file',
]);

/**
 * Finds the config file: `explicit` when given (it must exist), else <confdir>/ctmpl.toml,
 * else <confdir>/confd.toml, else none.
 */
export async function findConfigFile(explicit: string | undefined, confdir: string): Promise<string | undefined> {
  if (explicit) return explicit;
  for (const name of ['ctmpl.toml', 'confd.toml']) {
    const candidate = join(confdir, name);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads a config file; unknown keys fail with the file and line. */
export async function readConfigFile(path: string, cwd: string): Promise<ConfigFile> {
  const { data, text } = await readTomlFile(path);
  const shown = relative(cwd, path) || path;
  const values: Record<string, unknown> = {};
  const ignoredKeys: string[] = [];
  let templates: Record<string, unknown>[] = [];
  for (const [rawKey, value] of Object.entries(data)) {
    const key = rawKey.replaceAll('_', '-');
    if (key === 'template') {
      if (!Array.isArray(value)) throw new CtmplError('CONFIG', `${shown}: "template" must be an array of tables ([[template]])`);
      templates = value as Record<string, unknown>[];
    } else if (key === 'vault') {
      Object.assign(values, vaultTableToFlags(value, shown));
    } else if (keyToFlag[key]) {
      values[keyToFlag[key]!] = value;
    } else if (confdOnlyKeys.has(key)) {
      ignoredKeys.push(rawKey);
    } else {
      const line = lineOfKey(text, rawKey);
      throw new CtmplError('CONFIG', `${shown}${line ? `:${line}` : ''}: unknown key "${rawKey}"`);
    }
  }
  return { path: shown, values, templates, ignoredKeys };
}
