import type { JsonValue } from '../json-number.js';

/** consul-template's `vault {}` settings, from flags and the config file (environment applied later). */
export interface VaultConfig {
  readonly address?: string;
  readonly token?: string;
  readonly renewToken: boolean;
  readonly unwrapToken: boolean;
  readonly retry: { readonly enabled: boolean; readonly attempts: number; readonly backoffMs: number; readonly maxBackoffMs: number };
  readonly ssl: {
    readonly enabled?: boolean;
    readonly verify?: boolean;
    readonly cert?: string;
    readonly key?: string;
    readonly caCert?: string;
    readonly caPath?: string;
    readonly serverName?: string;
  };
  readonly defaultLeaseMs: number;
}

/** confd's vault backend authentication (`-auth-type` and its flags). */
export interface VaultAuthConfig {
  readonly type?: string;
  readonly roleId?: string;
  readonly secretId?: string;
  readonly path?: string;
  readonly appId?: string;
  readonly userId?: string;
}

/** consul-template's dependency.Secret: a Vault answer as templates see it. */
export interface VaultSecret {
  readonly RequestID: string;
  readonly LeaseID: string;
  readonly LeaseDuration: number;
  readonly Renewable: boolean;
  /** The secret's data, numbers as JsonNumber; empty when the answer had none. */
  readonly Data: ReadonlyMap<string, JsonValue>;
  readonly Warnings: readonly string[];
  readonly Auth: VaultSecretAuth | null;
  readonly WrapInfo: VaultSecretWrapInfo | null;
}

export interface VaultSecretAuth {
  readonly ClientToken: string;
  readonly Accessor: string;
  readonly Policies: readonly string[];
  readonly Metadata: ReadonlyMap<string, string>;
  readonly LeaseDuration: number;
  readonly Renewable: boolean;
}

export interface VaultSecretWrapInfo {
  readonly Token: string;
  readonly TTL: number;
  readonly CreationTime: string;
  readonly WrappedAccessor: string;
}

/** consul-template's dependency.PemEncoded (`pkiCert`): PEM blocks, each ending in a newline. */
export interface PkiCert {
  readonly Cert: string;
  readonly Key: string;
  /** The first CA certificate met. */
  readonly CA: string;
  /** Every distinct CA certificate, in the order met. */
  readonly CAChain: readonly string[];
}
