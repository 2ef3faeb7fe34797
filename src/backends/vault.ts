import { readFile } from 'node:fs/promises';
import { CtmplError, messageOf } from '../errors.js';
import { encodeJsonLikeGo, type JsonValue } from '../json-number.js';
import type { Backend, Snapshot } from './backend.js';
import type { Dependency } from '../types/dependency.js';
import { contentSnapshot, kvData } from './kv-data.js';
import { VaultClient, type VaultTlsOptions } from './vault/client.js';
import { stringOf } from './vault/secrets.js';

/**
 * confd's vault backend (backends/vault/client.go): log in with one of its auth types, then for
 * each key LIST the tree below it and read every path met. A secret whose only field is a
 * string `value` is that string; any other is its JSON at PATH and each string field at
 * PATH/FIELD (nested objects flattened; numbers, booleans, nulls and lists dropped). No KV v2
 * detection, and no change feed: confd polls Vault in interval mode only.
 */

export type VaultAuthType = 'token' | 'app-role' | 'app-id' | 'userpass' | 'cert' | 'kubernetes' | 'github';

export interface VaultBackendOptions {
  readonly address: string;
  readonly authType: string | undefined;
  readonly token?: string;
  readonly roleId?: string;
  readonly secretId?: string;
  readonly path?: string;
  readonly appId?: string;
  readonly userId?: string;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: VaultTlsOptions;
  /** Where kubernetes auth reads the service account's JWT. */
  readonly kubernetesTokenFile?: string;
}

/** Each auth type: the flags it needs and the login request it makes (token: none, it is used as is). */
const logins: Readonly<Record<VaultAuthType, { needs: readonly (keyof VaultBackendOptions)[]; mount: string }>> = {
  token: { needs: ['token'], mount: 'token' },
  'app-role': { needs: ['roleId', 'secretId'], mount: 'approle' },
  'app-id': { needs: ['appId', 'userId'], mount: 'app-id' },
  userpass: { needs: ['username', 'password'], mount: 'userpass' },
  cert: { needs: [], mount: 'cert' },
  kubernetes: { needs: ['roleId'], mount: 'kubernetes' },
  github: { needs: ['token'], mount: 'github' },
};

const flagOf: Readonly<Record<string, string>> = {
  token: '-auth-token', roleId: '-role-id', secretId: '-secret-id', appId: '-app-id', userId: '-user-id', username: '-username', password: '-password',
};

/** Validates the auth settings at once (a missing flag is a usage error naming it), then connects lazily. */
export function createVaultBackend(options: VaultBackendOptions): Backend {
  const authType = checkAuth(options);
  const client = new VaultClient({ address: options.address, ...(options.tls ? { tls: options.tls } : {}) });
  const description = `vault ${client.address}`;
  let login: Promise<void> | undefined;
  const ensureLogin = (signal: AbortSignal) => {
    login ??= logIn(client, authType, options, signal).catch((error: unknown) => {
      login = undefined;
      throw new CtmplError('BACKEND', `${description}: ${authType} login: ${messageOf(error)}`, { cause: error });
    });
    return login;
  };
  return {
    description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot> {
      await ensureLogin(signal);
      const root = dep.type === 'kv.get' ? dep.key : dep.type === 'kv.list' ? dep.prefix : '/';
      try {
        const values = await getValues(client, root, signal);
        // A confd resource's store holds all GetValues read, even a field like "../up" that
        // path.Join put outside the key.
        return contentSnapshot(dep.type === 'kv.list' && dep.siblings ? values : kvData(values, dep));
      } catch (error) {
        if (error instanceof CtmplError) throw new CtmplError(error.code, `${description}: ${error.message}`, { cause: error });
        throw error;
      }
    },
    async *changes(_dep, _cursor, signal) {
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    },
    close: () => client.close(),
  } satisfies Backend;
}

function checkAuth(options: VaultBackendOptions): VaultAuthType {
  const type = options.authType;
  if (!type) throw new CtmplError('USAGE', 'you have to set the auth type when using the vault backend (-auth-type token|app-role|app-id|userpass|cert|kubernetes)');
  if (!Object.hasOwn(logins, type)) throw new CtmplError('USAGE', `-auth-type: unknown vault auth type "${type}"`);
  for (const need of logins[type as VaultAuthType].needs) {
    if (!options[need]) throw new CtmplError('USAGE', `-auth-type ${type} needs ${flagOf[need]}`);
  }
  return type as VaultAuthType;
}

async function logIn(client: VaultClient, type: VaultAuthType, options: VaultBackendOptions, signal: AbortSignal): Promise<void> {
  if (type === 'token') {
    client.setToken(options.token!);
    await client.send({ method: 'GET', path: 'auth/token/lookup-self', signal });
    return;
  }
  const mount = options.path ?? logins[type].mount;
  const body = await loginBody(type, options);
  const path = type === 'userpass' ? `auth/${mount}/login/${options.username}` : `auth/${mount}/login`;
  const answer = await client.send({ method: 'PUT', path, body: JSON.stringify(body), signal });
  const auth = answer.body instanceof Map ? answer.body.get('auth') : undefined;
  const token = auth instanceof Map ? stringOf(auth.get('client_token')) : '';
  if (!token) throw new CtmplError('BACKEND', 'Unable to authenticate');
  client.setToken(token);
}

async function loginBody(type: VaultAuthType, o: VaultBackendOptions): Promise<Record<string, string>> {
  switch (type) {
    case 'app-role': return { role_id: o.roleId!, secret_id: o.secretId! };
    case 'app-id': return { app_id: o.appId!, user_id: o.userId! };
    case 'userpass': return { password: o.password! };
    case 'github': return { token: o.token! };
    case 'kubernetes': {
      const file = o.kubernetesTokenFile ?? '/var/run/secrets/kubernetes.io/serviceaccount/token';
      return { jwt: await readFile(file, 'utf8'), role: o.roleId! };
    }
    default: return {};
  }
}

/** confd's GetValues for one key: the flat path → string map of everything below it. */
export async function getValues(client: VaultClient, key: string, signal: AbortSignal): Promise<Map<string, string>> {
  const branches = new Set<string>();
  await walkTree(client, key, branches, signal);
  const values = new Map<string, string>();
  for (const branch of branches) {
    const answer = await client.send({ method: 'GET', path: branch, signal, accept: [404] });
    const data = answer.body instanceof Map ? answer.body.get('data') : undefined;
    if (!(data instanceof Map)) continue;
    const value = data.size === 1 ? data.get('value') : undefined;
    if (typeof value === 'string') values.set(branch, value);
    else {
      values.set(branch, encodeJsonLikeGo(data));
      flatten(branch, data, values);
    }
  }
  return values;
}

/** Lists recursively; like confd, a path that cannot be listed is simply a leaf. */
async function walkTree(client: VaultClient, key: string, branches: Set<string>, signal: AbortSignal): Promise<void> {
  const path = key.length > 1 ? key.replace(/\/$/, '') : key;
  if (branches.has(path)) return;
  branches.add(path);
  let keys: JsonValue | undefined;
  try {
    const answer = await client.send({ method: 'LIST', path, signal, accept: [404] });
    const data = answer.body instanceof Map ? answer.body.get('data') : undefined;
    keys = data instanceof Map ? data.get('keys') : undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    return;
  }
  if (!Array.isArray(keys)) return;
  for (const inner of keys) if (typeof inner === 'string') await walkTree(client, joinPath(path, inner), branches, signal);
}

function flatten(key: string, value: JsonValue, values: Map<string, string>): void {
  if (typeof value === 'string') values.set(key, value);
  else if (value instanceof Map) for (const [inner, item] of value) flatten(joinPath(key, inner), item, values);
}

/** Go's path.Join(a, b): cleaned, no trailing slash. */
function joinPath(a: string, b: string): string {
  const parts: string[] = [];
  for (const part of `${a}/${b}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
