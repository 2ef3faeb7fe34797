import { CtmplError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TlsOptions } from '../types/tls.js';
import type { Backend } from './backend.js';
import { withLocalFiles } from './local-files.js';
import { withRegistratorServices } from './registrator.js';

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
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The only place that knows every backend. Each is imported lazily, so a once-mode run loads
 * just the backend it uses. Local files (the `file` function) are served in front of any of them.
 */
export async function createBackend(config: BackendSettings, env: Env, logger: Logger): Promise<Backend> {
  return withLocalFiles(await createStoreBackend(config, env, logger));
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
    default:
      throw new CtmplError('USAGE', `unknown backend "${String(config.backend)}"`);
  }
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
