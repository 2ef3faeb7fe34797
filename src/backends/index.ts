import { CtmplError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TlsOptions } from '../types/tls.js';
import type { Backend } from './backend.js';
import type { FleetStore } from './fleet.js';
import { withLocalFiles } from './local-files.js';
import { withRegistratorServices } from './registrator.js';
import { exponentialBackoff } from '../retry-policy.js';
import type { VaultSourceOptions } from './vault-secrets.js';
import type { VaultTlsOptions } from './vault/client.js';
import type { VaultAuthConfig, VaultConfig } from '../types/vault.js';
import { vaultTokenFromEnv } from './vault/token-source.js';

/**
 * What the backends of a run may be told: each backend gets only its own part of it. The run's
 * Config has these fields under the same names, so it can be passed as it is.
 */
export interface BackendSettings {
  readonly backend: string;
  readonly nodes: readonly string[];
  /** The file backend's data files. */
  readonly files: readonly string[];
  /** Registrator layout root for `service` on etcd, redis, file and env. */
  readonly servicesPrefix: string;
  /** Redis key separator. */
  readonly separator: string;
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly tls: TlsOptions;
  readonly maxStaleMs?: number;
  /** consul-template's Vault settings (`secret`/`secrets`) and confd's vault backend auth. */
  readonly vault: VaultConfig;
  readonly vaultAuth: VaultAuthConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The only place that knows every backend. Each is imported lazily, so a once-mode run loads
 * just the backend it uses. Local files (the `file` function) are served in front of any of them.
 */
export async function createBackend(config: BackendSettings, env: Env, logger: Logger): Promise<Backend> {
  const store = await createStoreBackend(config, env, logger);
  const { withVaultSecrets } = await import('./vault-secrets.js');
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => logger[level]('vault', message);
  return withLocalFiles(withVaultSecrets(store, vaultSourceOptions(config, env, log)));
}

/** consul-template's Vault settings: flags and config file first, then VAULT_* variables and ~/.vault-token. */
function vaultSourceOptions(config: BackendSettings, env: Env, log: VaultSourceOptions['log']): VaultSourceOptions {
  const { vault } = config;
  // With confd's vault backend, `secret` in a template reaches the same Vault by default.
  const isVaultStore = config.backend === 'vault';
  const address = vault.address ?? env.VAULT_ADDR ?? (isVaultStore ? config.nodes[0] : undefined) ?? 'https://127.0.0.1:8200';
  const token = vault.token ?? vaultTokenFromEnv(env) ?? (isVaultStore && config.vaultAuth.type === 'token' ? config.token : undefined);
  const tls = vaultTls(vault.ssl, env);
  const isTls = vault.ssl.enabled ?? (address.startsWith('https://') || Boolean(tls.caFile || tls.caPath || tls.certFile || !tls.verify));
  return {
    address,
    ...(token !== undefined ? { token } : {}),
    unwrapToken: vault.unwrapToken,
    renewToken: vault.renewToken,
    ...(isTls ? { tls } : {}),
    defaultLeaseMs: vault.defaultLeaseMs,
    listPollMs: vault.defaultLeaseMs,
    ...(vault.retry.enabled
      ? { retry: exponentialBackoff({ baseMs: vault.retry.backoffMs, maxMs: vault.retry.maxBackoffMs, maxAttempts: vault.retry.attempts }) }
      : {}),
    log,
  };
}

function vaultTls(ssl: VaultConfig['ssl'], env: Env): VaultTlsOptions {
  const caFile = ssl.caCert ?? env.VAULT_CACERT;
  const caPath = ssl.caPath ?? env.VAULT_CAPATH;
  const certFile = ssl.cert ?? env.VAULT_CLIENT_CERT;
  const keyFile = ssl.key ?? env.VAULT_CLIENT_KEY;
  const serverName = ssl.serverName ?? env.VAULT_TLS_SERVER_NAME;
  const skip = env.VAULT_SKIP_VERIFY !== undefined && !['', '0', 'false'].includes(env.VAULT_SKIP_VERIFY.toLowerCase());
  return {
    ...(caFile ? { caFile } : {}), ...(caPath ? { caPath } : {}), ...(certFile ? { certFile } : {}), ...(keyFile ? { keyFile } : {}), ...(serverName ? { serverName } : {}),
    verify: ssl.verify ?? !skip,
  };
}

async function createStoreBackend(config: BackendSettings, env: Env, logger: Logger): Promise<Backend> {
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => logger[level]('backend', message);
  switch (config.backend) {
    case 'file': {
      const { createFileBackend } = await import('./file.js');
      return withRegistratorServices(createFileBackend({ files: config.files }), config.servicesPrefix);
    }
    case 'env': {
      const { createEnvBackend } = await import('./env.js');
      return withRegistratorServices(createEnvBackend({ env }), config.servicesPrefix);
    }
    case 'etcd':
    case 'etcdv3': {
      const { createEtcdBackend } = await import('./etcd.js');
      const nodes = config.nodes.length > 0 ? config.nodes : ['http://127.0.0.1:2379'];
      return withRegistratorServices(
        createEtcdBackend({ nodes, ...credentials(config), ...tlsOf(config), log }),
        config.servicesPrefix,
      );
    }
    case 'redis': {
      const { createRedisBackend } = await import('./redis.js');
      const nodes = config.nodes.length > 0 ? config.nodes : ['127.0.0.1:6379'];
      return withRegistratorServices(
        createRedisBackend({
          nodes,
          ...(config.password !== undefined ? { password: config.password } : {}),
          separator: config.separator,
          log,
        }),
        config.servicesPrefix,
      );
    }
    case 'zookeeper': {
      const { createZookeeperBackend } = await import('./zookeeper.js');
      const nodes = config.nodes.length > 0 ? config.nodes : ['127.0.0.1:2181'];
      return withRegistratorServices(createZookeeperBackend({ nodes, log }), config.servicesPrefix);
    }
    case 'consul': {
      const { createConsulBackend } = await import('./consul.js');
      const address = config.nodes[0] ?? env.CONSUL_HTTP_ADDR ?? '127.0.0.1:8500';
      return createConsulBackend({
        address,
        env,
        // consul.ts reads the token file itself, so an unreadable one is a CtmplError naming it.
        ...(config.token !== undefined ? { token: config.token } : {}),
        ...(config.tokenFile !== undefined ? { tokenFile: config.tokenFile } : {}),
        ...(config.username !== undefined ? { auth: { username: config.username, password: config.password ?? '' } } : {}),
        ...tlsOf(config),
        ...(config.maxStaleMs !== undefined ? { maxStaleMs: config.maxStaleMs } : {}),
        log,
      });
    }
    case 'vault': {
      const { createVaultBackend } = await import('./vault.js');
      const { vaultAuth } = config;
      const node = config.nodes[0] ?? env.VAULT_ADDR ?? 'http://127.0.0.1:8200';
      const tls = tlsOf(config).tls;
      return createVaultBackend({
        address: node,
        authType: vaultAuth.type,
        ...(config.token !== undefined ? { token: config.token } : {}),
        ...(vaultAuth.roleId !== undefined ? { roleId: vaultAuth.roleId } : {}),
        ...(vaultAuth.secretId !== undefined ? { secretId: vaultAuth.secretId } : {}),
        ...(vaultAuth.path !== undefined ? { path: vaultAuth.path } : {}),
        ...(vaultAuth.appId !== undefined ? { appId: vaultAuth.appId } : {}),
        ...(vaultAuth.userId !== undefined ? { userId: vaultAuth.userId } : {}),
        ...credentials(config),
        ...(tls ? { tls } : {}),
      });
    }
    default:
      throw new CtmplError('USAGE', `unknown backend "${String(config.backend)}"`);
  }
}

/** Fleet mode's settings (the run's DedupSettings), as the stores take them. */
export interface FleetSettings {
  readonly prefix: string;
  readonly ttlMs: number;
  readonly maxStaleMs: number;
  readonly blockQueryWaitMs: number;
}

/** Fleet mode's store (-dedup): the run's Consul or etcd, reached as the backend reaches it. */
export async function createFleetStore(config: BackendSettings, dedup: FleetSettings, env: Env, logger: Logger): Promise<FleetStore> {
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => logger[level]('dedup', message);
  if (config.backend === 'consul') {
    const { createConsulFleet } = await import('./consul/fleet.js');
    return createConsulFleet({
      address: config.nodes[0] ?? env.CONSUL_HTTP_ADDR ?? '127.0.0.1:8500',
      env,
      ...(config.token !== undefined ? { token: config.token } : {}),
      ...(config.tokenFile !== undefined ? { tokenFile: config.tokenFile } : {}),
      ...(config.username !== undefined ? { auth: { username: config.username, password: config.password ?? '' } } : {}),
      ...tlsOf(config),
      ...dedup,
      log,
    });
  }
  if (config.backend === 'etcd' || config.backend === 'etcdv3') {
    const { createEtcdFleet } = await import('./etcd/fleet.js');
    const nodes = config.nodes.length > 0 ? config.nodes : ['http://127.0.0.1:2379'];
    return createEtcdFleet({ nodes, ...credentials(config), ...tlsOf(config), prefix: dedup.prefix, ttlMs: dedup.ttlMs, log });
  }
  throw new CtmplError('USAGE', `-dedup: the ${config.backend} backend cannot hold a fleet's locks; use consul or etcd`);
}

function credentials(config: BackendSettings): { username?: string; password?: string } {
  return {
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
  };
}

/** TLS settings only when some were given: their presence alone switches a bare host:port to https. */
function tlsOf(config: BackendSettings): { tls?: TlsOptions } {
  const { caFile, certFile, keyFile, serverName, verify } = config.tls;
  return caFile || certFile || keyFile || serverName || !verify ? { tls: config.tls } : {};
}
