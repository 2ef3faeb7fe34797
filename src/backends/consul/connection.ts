import { readFileSync } from 'node:fs';
import { CtmplError, messageOf } from '../../errors.js';
import { splitCredentials } from '../../redact.js';
import type { TlsOptions } from '../../types/tls.js';
import { TextClient } from './http-get.js';

/** Where a Consul agent is and how to talk to it: shared by the backend and fleet mode. */
export interface ConsulConnectionOptions {
  /** host:port or URL; default CONSUL_HTTP_ADDR, else 127.0.0.1:8500. */
  readonly address?: string;
  /** ACL token; default the contents of tokenFile, else CONSUL_HTTP_TOKEN / CONSUL_HTTP_TOKEN_FILE. */
  readonly token?: string;
  readonly tokenFile?: string;
  readonly auth?: { readonly username: string; readonly password: string };
  readonly tls?: TlsOptions;
  /** Environment to read CONSUL_HTTP_* from (the caller passes process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ConsulConnection {
  readonly baseUrl: string;
  /** `consul URL`, for log lines and errors. */
  readonly description: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly client: TextClient;
}

const DEFAULT_ADDRESS = '127.0.0.1:8500';

export function consulConnection(options: ConsulConnectionOptions): ConsulConnection {
  const env = options.env ?? {};
  const tls = options.tls ?? tlsFromEnv(env);
  const given = splitCredentials(options.address ?? env.CONSUL_HTTP_ADDR ?? DEFAULT_ADDRESS);
  const baseUrl = resolveAddress(given.address, tls, env);
  const fromUrl = given.username !== undefined ? { auth: { username: given.username, password: given.password ?? '' } } : {};
  return { baseUrl, description: `consul ${baseUrl}`, headers: requestHeaders({ ...fromUrl, ...options }, env), client: createClient(baseUrl, tls) };
}

function resolveAddress(address: string, tls: TlsOptions | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (/^https?:\/\//i.test(address)) return address.replace(/\/+$/, '');
  const secure = tls !== undefined || env.CONSUL_HTTP_SSL?.toLowerCase() === 'true';
  return `${secure ? 'https' : 'http'}://${address.replace(/\/+$/, '')}`;
}

/** Consul's own TLS variables, which consul-template honours too, when no TLS flag was given. */
function tlsFromEnv(env: Readonly<Record<string, string | undefined>>): TlsOptions | undefined {
  const { CONSUL_CACERT: caFile, CONSUL_CLIENT_CERT: certFile, CONSUL_CLIENT_KEY: keyFile, CONSUL_TLS_SERVER_NAME: serverName } = env;
  const verify = env.CONSUL_HTTP_SSL_VERIFY?.toLowerCase() !== 'false';
  if (!caFile && !certFile && !keyFile && !serverName && verify) return undefined;
  return {
    verify,
    ...(caFile ? { caFile } : {}),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
    ...(serverName ? { serverName } : {}),
  };
}

function requestHeaders(options: ConsulConnectionOptions, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = resolveToken(options, env);
  if (token) headers['x-consul-token'] = token;
  const auth = options.auth ?? parseAuth(env.CONSUL_HTTP_AUTH);
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return headers;
}

function resolveToken(options: ConsulConnectionOptions, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (options.token) return options.token;
  const file = options.tokenFile ?? (env.CONSUL_HTTP_TOKEN ? undefined : env.CONSUL_HTTP_TOKEN_FILE);
  if (!file) return env.CONSUL_HTTP_TOKEN || undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new CtmplError('BACKEND', `consul: cannot read token file ${file}: ${messageOf(error)}`, { cause: error });
  }
}

function parseAuth(value: string | undefined): ConsulConnectionOptions['auth'] {
  if (!value) return undefined;
  const colon = value.indexOf(':');
  return colon === -1 ? { username: value, password: '' } : { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

function createClient(baseUrl: string, tls: TlsOptions | undefined): TextClient {
  const isHttps = baseUrl.startsWith('https:');
  if (!tls) return new TextClient(isHttps);
  const file = (path: string | undefined) => {
    try {
      return path ? readFileSync(path) : undefined;
    } catch (error) {
      throw new CtmplError('BACKEND', `consul: tls: ${messageOf(error)}`, { cause: error });
    }
  };
  return new TextClient(isHttps, {
    ca: file(tls.caFile),
    cert: file(tls.certFile),
    key: file(tls.keyFile),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    rejectUnauthorized: tls.verify,
  });
}

