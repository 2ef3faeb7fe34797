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
