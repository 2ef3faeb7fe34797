import type { PkiCert } from '../../types/vault.js';
import { quote } from '../go/strconv.js';
import { goFunc, goSlice, type FuncMap, type GoStruct, type GoValue } from '../go/values.js';
import type { FunctionContext } from './context.js';
import { goObject } from './methods.js';

/**
 * consul-template's `pkiCert PATH "k=v"…` (0.29): a certificate issued by Vault's PKI engine,
 * cached in the template's destination and re-issued near its expiry (see
 * src/backends/vault/pki.ts). nil until it arrives.
 */

function pkiCert(ctx: FunctionContext, args: readonly string[]): GoValue {
  if (args.length === 0) return null;
  const [rawPath = '', ...pairs] = args;
  const data: Record<string, string> = {};
  for (const pair of pairs) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    if (at < 0) throw new Error(`not k=v pair ${quote(pair)}`);
    data[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  const path = rawPath.trim().replace(/^\/+|\/+$/g, '');
  // consul-template's NewVaultPKIQuery says vault.read here, and quotes the trimmed path.
  if (path === '') throw new Error(`vault.read: invalid format: ${quote(path)}`);
  const cert = ctx.data.read({ type: 'vault.pki', path: path.replace(/\?.*$/, ''), data, dest: ctx.destination ?? '' }) as PkiCert | undefined;
  return cert ? toPemEncoded(cert) : null;
}

/** dependency.PemEncoded: the PEMs, and `Data` returning itself (a template written for `secret` reads `.Data.Cert`). */
export function toPemEncoded(cert: PkiCert): GoStruct {
  const fields = { Cert: cert.Cert, Key: cert.Key, CA: cert.CA, CAChain: goSlice('[]string', [...cert.CAChain]) };
  const value: GoStruct = goObject('dependency.PemEncoded', { Data: goFunc([], () => value) }, fields);
  return value;
}

/** The PKI function set over `ctx`. */
export function pkiFuncs(ctx: FunctionContext): FuncMap {
  return { pkiCert: goFunc([], (...args: string[]) => pkiCert(ctx, args), 'string') };
}
