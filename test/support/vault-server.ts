import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { request } from './http.js';
import { encodeJsonLikeGo, parseJsonKeepingNumbers, type JsonValue } from '../../src/json-number.js';
import { freePort } from './ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from './server-process.js';

/**
 * Finds `vault` on PATH. It is no Debian package: CI unpacks Vault 1.7.3 onto PATH. Outside CI
 * a missing binary skips the suite loudly; under CI=true it fails the run.
 */
export function findVault(suite: string): { path?: string; skip?: string } {
  try {
    const path = execFileSync('sh', ['-c', 'command -v vault'], { encoding: 'utf8' }).trim();
    if (path) return { path };
  } catch {
    // not found: handled below
  }
  const reason = `${suite}: 'vault' not on PATH; unpack Vault 1.7.3 onto PATH (e.g. gunzip -c vault.gz > /tmp/vaultbin/vault)`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI)`);
  process.stderr.write(`SKIPPING ${reason}\n`);
  return { skip: reason };
}

export interface VaultAnswer {
  readonly status: number;
  readonly body: JsonValue | undefined;
}

/** A real Vault dev server on 127.0.0.1 (root token `root`), in its own temp dir and HOME. */
export interface VaultServer {
  readonly address: string;
  /** The https listener's address, when started with `tls`. */
  readonly tlsAddress?: string;
  readonly pid: number | undefined;
  /** Calls the API as root (or `token`); `body` is sent as given, so numbers keep their text. */
  call(method: string, path: string, body?: string, token?: string, headers?: Record<string, string>): Promise<VaultAnswer>;
  /** Like `call`, but fails unless the status is 2xx. */
  must(method: string, path: string, body?: string, token?: string): Promise<VaultAnswer>;
  /** The conformance reset: only sys/identity/cubbyhole mounts, then kv/ (v1) and secret/ (v2); no extra policies, no `limited` token. */
  reset(): Promise<void>;
  /** Loads a conformance setup.json (its text, numbers as written); resolves to the token the case runs with. */
  load(setupText: string): Promise<string>;
  close(): Promise<void>;
}

/** An extra https listener (client certificates checked against `caFile` when presented). */
export interface VaultTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export function startVault(binary = 'vault', tls?: VaultTls): Promise<VaultServer> {
  return retryOnPortClash(() => startVaultOnce(binary, tls));
}

async function startVaultOnce(binary: string, tls: VaultTls | undefined): Promise<VaultServer> {
  const dir = await makeTempDir('vault');
  let port = await freePort();
  // The dev server also binds port+1 for its cluster listener.
  while (!(await isFree(port + 1))) port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const tlsPort = tls ? await freePort() : undefined;
  const config = tls ? [`-config=${await writeTlsListener(dir, tlsPort!, tls)}`] : [];
  // Through `env`, so its HOME is the temp dir: a dev server writes ~/.vault-token.
  const server = new ServerProcess('env', [
    `HOME=${dir}`, binary, 'server', '-dev', '-dev-root-token-id=root', `-dev-listen-address=127.0.0.1:${port}`, ...config,
  ], join(dir, 'vault.log'));
  const call = async (method: string, path: string, body?: string, token = 'root', headers: Record<string, string> = {}): Promise<VaultAnswer> => {
    const response = await request(`${address}/v1/${path}`, { method, headers: { 'x-vault-token': token, ...headers }, ...(body !== undefined ? { body } : {}) });
    const text = await response.body.text();
    return { status: response.statusCode, body: text.trim() ? parseJsonKeepingNumbers(text) : undefined };
  };
  const must = async (method: string, path: string, body?: string, token?: string) => {
    const answer = await call(method, path, body, token);
    if (answer.status >= 300) throw new Error(`vault ${method} ${path}: ${answer.status} ${encodeJsonLikeGo(answer.body ?? null)}`);
    return answer;
  };
  await server.start(async () => (await call('GET', 'sys/health')).status === 200).catch(async (error: unknown) => {
    await removeTempDir(dir);
    throw error;
  });
  return {
    address,
    ...(tlsPort ? { tlsAddress: `https://127.0.0.1:${tlsPort}` } : {}),
    get pid() {
      return server.pid;
    },
    call,
    must,
    reset: () => resetVault(call, must),
    load: (text) => loadSetup(must, text),
    async close() {
      await server.stop();
      await removeTempDir(dir);
    },
  };
}

type Call = VaultServer['call'];

async function resetVault(call: Call, must: Call): Promise<void> {
  const mounts = (await must('GET', 'sys/mounts')).body as ReadonlyMap<string, JsonValue>;
  const data = (mounts.get('data') as ReadonlyMap<string, JsonValue> | undefined) ?? mounts;
  for (const path of data.keys()) {
    if (!['sys/', 'identity/', 'cubbyhole/'].includes(path) && path.endsWith('/')) await must('DELETE', `sys/mounts/${path}`);
  }
  await must('POST', 'sys/mounts/kv', '{"type":"kv","options":{"version":"1"}}');
  await must('POST', 'sys/mounts/secret', '{"type":"kv","options":{"version":"2"}}');
  const policies = (await must('GET', 'sys/policies/acl?list=true')).body as ReadonlyMap<string, JsonValue>;
  const keys = ((policies.get('data') as ReadonlyMap<string, JsonValue>).get('keys') as string[]) ?? [];
  for (const name of keys) if (name !== 'default' && name !== 'root') await must('DELETE', `sys/policies/acl/${name}`);
  await call('POST', 'auth/token/revoke', '{"token":"limited"}');
}

async function loadSetup(must: Call, text: string): Promise<string> {
  const setup = parseJsonKeepingNumbers(text) as ReadonlyMap<string, JsonValue>;
  const section = (name: string) => (setup.get(name) as ReadonlyMap<string, JsonValue> | undefined) ?? new Map<string, JsonValue>();
  for (const [path, mount] of section('mounts')) await must('POST', `sys/mounts/${path.replace(/\/$/, '')}`, encodeJsonLikeGo(mount));
  for (const [name, hcl] of section('policies')) await must('PUT', `sys/policies/acl/${name}`, encodeJsonLikeGo(new Map([['policy', hcl]])));
  for (const [path, data] of section('kv1')) await must('POST', path, encodeJsonLikeGo(data));
  for (const [path, data] of section('kv2')) {
    for (const version of Array.isArray(data) ? data : [data]) await must('POST', kv2DataPath(path), encodeJsonLikeGo(new Map([['data', version]])));
  }
  for (const path of (setup.get('kv2_deleted') as string[] | undefined) ?? []) await must('DELETE', kv2DataPath(path));
  const policies = setup.get('token_policies') as string[] | undefined;
  if (!policies) return 'root';
  const body = new Map<string, JsonValue>([['id', 'limited'], ['policies', policies], ['no_default_policy', true]]);
  await must('POST', 'auth/token/create', encodeJsonLikeGo(body));
  return 'limited';
}

/** "secret/app" → "secret/data/app": `data/` after the mount's first segment. */
export function kv2DataPath(path: string): string {
  const [mount, ...rest] = path.split('/');
  return [mount, 'data', ...rest].join('/');
}

async function isFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function writeTlsListener(dir: string, port: number, tls: VaultTls): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const path = join(dir, 'tls.hcl');
  await writeFile(path, [
    'listener "tcp" {',
    `  address = "127.0.0.1:${port}"`,
    `  tls_cert_file = ${JSON.stringify(tls.certFile)}`,
    `  tls_key_file = ${JSON.stringify(tls.keyFile)}`,
    `  tls_client_ca_file = ${JSON.stringify(tls.caFile)}`,
    '}',
    '',
  ].join('\n'));
  return path;
}
