import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Agent, request } from './http.js';
import type { Dispatcher } from '../../src/backends/http-client.js';
import { freePort } from './ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from './server-process.js';

export interface EtcdServerOptions {
  /** Enables etcd auth with this root user (the root role is created and granted). */
  readonly auth?: { readonly user: string; readonly password: string };
  /** The etcd binary; `etcd` on PATH by default. */
  readonly binary?: string;
  /** Serves clients over https with this certificate; peers stay on http. */
  readonly tls?: EtcdTlsServerOptions;
}

export interface EtcdTlsServerOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** CA the helper's own client trusts; with clientCertAuth, also the one client certificates must chain to. */
  readonly caFile: string;
  /**
   * Requires a client certificate (`--client-cert-auth --trusted-ca-file`; etcd demands one whenever
   * it has a trusted CA file). The helper then presents the server's own certificate.
   */
  readonly clientCertAuth: boolean;
}

/** A real single-node etcd on 127.0.0.1, in its own temp dir. */
export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:40123` (`https://` with the tls option). */
  readonly url: string;
  readonly dataDir: string;
  /** PID of the running server, undefined while stopped. */
  readonly pid: number | undefined;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Compacts the store at `revision` (the current revision by default); returns that revision. */
  compact(revision?: string): Promise<string>;
  /** Calls any gateway method, e.g. `call('/v3/kv/range', {key})`; authenticates when auth is on. */
  call(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** Disables and re-enables auth, which invalidates every token the server has issued. */
  revokeTokens(): Promise<void>;
  stop(): Promise<void>;
  /** Starts the server again on the same ports with the same data. */
  start(): Promise<void>;
  /** Stops the server and removes its temp dir. */
  close(): Promise<void>;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Starts etcd on free ports and waits until it answers; rejects with its log tail if it fails. */
export function startEtcd(options: Parameters<typeof startEtcdOnce>[0] = {}): ReturnType<typeof startEtcdOnce> {
  return retryOnPortClash(() => startEtcdOnce(options));
}

async function startEtcdOnce(options: EtcdServerOptions = {}): Promise<EtcdServer> {
  const dir = await makeTempDir('etcd');
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const name = `ctmpl-${randomBytes(4).toString('hex')}`;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const dataDir = join(dir, 'data');
  const args = [
    '--name', name,
    '--data-dir', dataDir,
    '--listen-client-urls', url,
    '--advertise-client-urls', url,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `${name}=${peer}`,
    '--initial-cluster-state', 'new',
    '--initial-cluster-token', name,
    ...tlsArgs(options.tls),
  ];
  const server = new ServerProcess(options.binary ?? 'etcd', args, join(dir, 'etcd.log'));
  const dispatcher = helperDispatcher(options.tls);
  let token: string | undefined;

  async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = token;
    const response = await request(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), dispatcher });
    const json = (await response.body.json()) as Record<string, unknown>;
    if (response.statusCode !== 200) throw new Error(`etcd ${path}: ${response.statusCode} ${JSON.stringify(json)}`);
    return json;
  }

  async function call(path: string, body: unknown): Promise<Record<string, unknown>> {
    if (options.auth && !token) {
      const answer = await post('/v3/auth/authenticate', { name: options.auth.user, password: options.auth.password });
      token = String(answer.token);
    }
    try {
      return await post(path, body);
    } catch (error) {
      if (!token || !String(error).includes('invalid auth token')) throw error;
      token = undefined;
      return call(path, body);
    }
  }

  const isReady = async () => {
    const response = await request(`${url}/health`, { dispatcher });
    const text = await response.body.text();
    return response.statusCode === 200 && text.includes('true');
  };

  async function start(): Promise<void> {
    token = undefined;
    await server.start(isReady);
  }

  await start().catch(async (error: unknown) => {
    await server.stop();
    await dispatcher?.close();
    await removeTempDir(dir);
    throw error;
  });
  try {
    if (options.auth) await enableAuth(post, options.auth);
  } catch (error) {
    await server.stop();
    await dispatcher?.close();
    await removeTempDir(dir);
    throw error;
  }

  return {
    url,
    dataDir,
    get pid() {
      return server.pid;
    },
    put: async (key, value) => void (await call('/v3/kv/put', { key: b64(key), value: b64(value) })),
    delete: async (key) => void (await call('/v3/kv/deleterange', { key: b64(key) })),
    async compact(revision) {
      const at = revision ?? currentRevision(await call('/v3/kv/range', { key: b64('/') }));
      await call('/v3/kv/compaction', { revision: at, physical: true });
      return at;
    },
    call,
    async revokeTokens() {
      await call('/v3/auth/disable', {});
      token = undefined;
      await post('/v3/auth/enable', {});
    },
    stop: () => server.stop(),
    start,
    async close() {
      await server.stop();
      await dispatcher?.close();
      await removeTempDir(dir);
    },
  };
}

function currentRevision(answer: Record<string, unknown>): string {
  const header = answer.header as { revision?: string } | undefined;
  return header?.revision ?? '0';
}

type Post = (path: string, body: unknown) => Promise<Record<string, unknown>>;

async function enableAuth(post: Post, auth: { user: string; password: string }): Promise<void> {
  await post('/v3/auth/user/add', { name: auth.user, password: auth.password });
  await post('/v3/auth/role/add', { name: 'root' });
  await post('/v3/auth/user/grant', { user: auth.user, role: 'root' });
  await post('/v3/auth/enable', {});
}

function tlsArgs(tls: EtcdTlsServerOptions | undefined): string[] {
  if (!tls) return [];
  return [
    '--cert-file', tls.certFile,
    '--key-file', tls.keyFile,
    ...(tls.clientCertAuth ? ['--client-cert-auth', '--trusted-ca-file', tls.caFile] : []),
  ];
}

/** The helper's own client: trusts the CA and, under client-cert-auth, presents the server's certificate. */
function helperDispatcher(tls: EtcdTlsServerOptions | undefined): Dispatcher | undefined {
  if (!tls) return undefined;
  const client = tls.clientCertAuth ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : {};
  return new Agent({ connect: { ca: readFileSync(tls.caFile), ...client } });
}
