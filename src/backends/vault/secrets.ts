import { posix } from 'node:path';
import { CtmplError } from '../../errors.js';
import { JsonNumber, type JsonValue } from '../../json-number.js';
import type { VaultSecret, VaultSecretAuth, VaultSecretWrapInfo } from '../backend.js';
import type { VaultClient } from './client.js';

/**
 * consul-template 0.20.0's Vault queries (dependency/vault_read.go, vault_write.go,
 * vault_list.go): reads detect a KV v2 mount and rewrite the path, writes PUT `k=v` data,
 * lists LIST a path. Each failure names the dependency's path.
 */

type JsonMap = ReadonlyMap<string, JsonValue>;

/** Where a read really goes, per raw path: KV v2 paths gain `data/` after the mount. */
export type MountCache = Map<string, string>;

/**
 * Reads a secret (`secret "kv/app"`, `secret "secret/app?version=2"`). A 404 that still
 * carries data (a soft-deleted KV v2 version) is a secret, as the Vault API client treats it;
 * a 404 without is "no secret exists at PATH".
 */
export async function readSecret(client: VaultClient, path: string, mounts: MountCache, signal: AbortSignal): Promise<VaultSecret> {
  const [rawPath = '', query] = splitQuery(path);
  let secretPath = mounts.get(rawPath);
  if (secretPath === undefined) {
    secretPath = await resolveKvPath(client, rawPath, signal);
    mounts.set(rawPath, secretPath);
  }
  const answer = await client.send({ method: 'GET', path: query ? `${secretPath}?${query}` : secretPath, signal, accept: [404] });
  const body = answer.body instanceof Map ? answer.body : undefined;
  const hasContent = body && (isNonEmpty(body.get('data')) || isNonEmpty(body.get('warnings')));
  if (!body || (answer.status === 404 && !hasContent)) throw new CtmplError('BACKEND', `no secret exists at ${secretPath}`);
  return toVaultSecret(body);
}

/** Writes `data` to `path` and returns Vault's answer; an empty answer is "no secret exists at PATH". */
export async function writeSecret(client: VaultClient, path: string, data: Readonly<Record<string, string>>, signal: AbortSignal): Promise<VaultSecret> {
  const answer = await client.send({ method: 'PUT', path, body: JSON.stringify(data), signal });
  if (!(answer.body instanceof Map)) throw new CtmplError('BACKEND', `no secret exists at ${path}`);
  return toVaultSecret(answer.body);
}

/** The names under `path`, sorted; none when the path does not exist. */
export async function listSecrets(client: VaultClient, path: string, signal: AbortSignal): Promise<string[]> {
  const answer = await client.send({ method: 'LIST', path, signal, accept: [404] });
  const data = answer.body instanceof Map ? answer.body.get('data') : undefined;
  const keys = data instanceof Map ? data.get('keys') : undefined;
  if (keys === undefined || keys === null) return [];
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) {
    throw new CtmplError('BACKEND', `vault.list(${path}): unexpected response`);
  }
  return [...(keys as string[])].sort();
}

function splitQuery(path: string): [string, string | undefined] {
  const at = path.indexOf('?');
  return at < 0 ? [path, undefined] : [path.slice(0, at), path.slice(at + 1)];
}

/** isKVv2 + addPrefixToVKVPath: the mount's version from sys/internal/ui/mounts (404: an old Vault, v1). */
async function resolveKvPath(client: VaultClient, rawPath: string, signal: AbortSignal): Promise<string> {
  const answer = await client.send({ method: 'GET', path: `sys/internal/ui/mounts/${rawPath}`, signal, accept: [404] });
  const data = answer.body instanceof Map ? answer.body.get('data') : undefined;
  if (answer.status === 404 || !(data instanceof Map)) return rawPath;
  const mountPath = stringOf(data.get('path'));
  const options = data.get('options');
  const version = options instanceof Map ? options.get('version') : undefined;
  if (version !== '2' || data.get('type') !== 'kv') return rawPath;
  return addPrefixToKvPath(rawPath, mountPath, 'data');
}

/** consul-template's addPrefixToVKVPath: `secret/app` on mount `secret/` → `secret/data/app`. */
export function addPrefixToKvPath(path: string, mountPath: string, apiPrefix: string): string {
  if (path === mountPath || path === mountPath.replace(/\/$/, '')) return posix.join(mountPath, apiPrefix);
  const rest = path.startsWith(mountPath) ? path.slice(mountPath.length) : path;
  if (rest.startsWith(apiPrefix)) return posix.join(mountPath, rest);
  return posix.join(mountPath, apiPrefix, rest);
}

/** Vault's JSON answer as consul-template's dependency.Secret. */
export function toVaultSecret(body: JsonMap): VaultSecret {
  const data = body.get('data');
  const warnings = body.get('warnings');
  return {
    RequestID: stringOf(body.get('request_id')),
    LeaseID: stringOf(body.get('lease_id')),
    LeaseDuration: intOf(body.get('lease_duration')),
    Renewable: body.get('renewable') === true,
    Data: data instanceof Map ? data : new Map(),
    Warnings: Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [],
    Auth: authOf(body.get('auth')),
    WrapInfo: wrapInfoOf(body.get('wrap_info')),
  };
}

function authOf(value: JsonValue | undefined): VaultSecretAuth | null {
  if (!(value instanceof Map)) return null;
  const policies = value.get('policies');
  const metadata = value.get('metadata');
  return {
    ClientToken: stringOf(value.get('client_token')),
    Accessor: stringOf(value.get('accessor')),
    Policies: Array.isArray(policies) ? policies.filter((p): p is string => typeof p === 'string') : [],
    Metadata: new Map(metadata instanceof Map ? [...metadata].map(([k, v]) => [k, stringOf(v)] as [string, string]) : []),
    LeaseDuration: intOf(value.get('lease_duration')),
    Renewable: value.get('renewable') === true,
  };
}

function wrapInfoOf(value: JsonValue | undefined): VaultSecretWrapInfo | null {
  if (!(value instanceof Map)) return null;
  return {
    Token: stringOf(value.get('token')),
    TTL: intOf(value.get('ttl')),
    CreationTime: stringOf(value.get('creation_time')),
    WrappedAccessor: stringOf(value.get('wrapped_accessor')),
  };
}

function isNonEmpty(value: JsonValue | undefined): boolean {
  if (value instanceof Map) return value.size > 0;
  return Array.isArray(value) && value.length > 0;
}

export function stringOf(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

export function intOf(value: JsonValue | undefined): number {
  return value instanceof JsonNumber ? Math.trunc(Number(value.text)) || 0 : 0;
}
