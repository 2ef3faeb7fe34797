import type { VaultSecret } from '../../types/vault.js';
import type { Dependency } from '../../types/dependency.js';
import { quote } from '../go/strconv.js';
import { goFunc, GoNil, type FuncMap, type GoStruct, type GoValue } from '../go/values.js';
import type { FunctionContext } from './context.js';
import { goStruct } from './methods.js';

/**
 * consul-template's Vault functions: `secret PATH` reads, `secret PATH "k=v"…` writes (the
 * answer is the secret), `secrets PATH` lists. Before its data arrives `secret` is a nil
 * `*dependency.Secret`: `with` skips it, dereferencing it fails as in consul-template.
 */

const NIL_SECRET = new GoNil('*dependency.Secret');

/** Trims spaces and slashes, as consul-template's NewVault*Query does; empty is an error. */
function vaultPath(kind: string, s: string): string {
  const path = s.trim().replace(/^\/+|\/+$/g, '');
  if (path === '') throw new Error(`${kind}: invalid format: ${quote(s)}`);
  return path;
}

/** `k=v` arguments → write data; each side trimmed, as consul-template does. */
function writeData(pairs: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 0) throw new Error(`not k=v pair ${quote(pair)}`);
    data[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return data;
}

function secret(ctx: FunctionContext, args: string[]): GoValue {
  if (args.length === 0) return NIL_SECRET;
  const [path = '', ...rest] = args;
  const data = writeData(rest);
  const dep: Dependency = rest.length === 0
    ? { type: 'vault.read', path: vaultPath('vault.read', path) }
    : { type: 'vault.write', path: vaultPath('vault.write', path), data };
  const value = ctx.data.read(dep) as VaultSecret | undefined;
  return value === undefined ? NIL_SECRET : toGoSecret(value);
}

function secrets(ctx: FunctionContext, path: string): GoValue {
  if (path === '') return [];
  const value = ctx.data.read({ type: 'vault.list', path: vaultPath('vault.list', path) }) as string[] | undefined;
  return value ?? [];
}

/** dependency.Secret with its fields in declaration order; absent Auth/WrapInfo are nil pointers. */
export function toGoSecret(s: VaultSecret): GoStruct {
  return goStruct('*dependency.Secret', {
    RequestID: s.RequestID,
    LeaseID: s.LeaseID,
    LeaseDuration: s.LeaseDuration,
    Renewable: s.Renewable,
    Data: s.Data as GoValue,
    Warnings: s.Warnings,
    Auth: s.Auth
      ? goStruct('*dependency.SecretAuth', {
          ClientToken: s.Auth.ClientToken,
          Accessor: s.Auth.Accessor,
          Policies: s.Auth.Policies,
          Metadata: s.Auth.Metadata,
          LeaseDuration: s.Auth.LeaseDuration,
          Renewable: s.Auth.Renewable,
        })
      : new GoNil('*dependency.SecretAuth'),
    WrapInfo: s.WrapInfo
      ? goStruct('*dependency.SecretWrapInfo', { Token: s.WrapInfo.Token, TTL: s.WrapInfo.TTL, CreationTime: s.WrapInfo.CreationTime, WrappedAccessor: s.WrapInfo.WrappedAccessor })
      : new GoNil('*dependency.SecretWrapInfo'),
  });
}

/** The Vault function set over `ctx`. */
export function vaultFuncs(ctx: FunctionContext): FuncMap {
  return {
    secret: goFunc([], (...args: string[]) => secret(ctx, args), 'string'),
    secrets: goFunc(['string'], (path: string) => secrets(ctx, path)),
  };
}
