/** TLS settings for a backend connection (confd's -client-* flags, Consul's CONSUL_CACERT and friends). */
export interface TlsOptions {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  /** False accepts any server certificate (confd's insecure skip verify). */
  readonly verify: boolean;
}
