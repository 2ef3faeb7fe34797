import { CtmplError, messageOf } from '../../errors.js';
import type { Snapshot, VaultSecret } from '../backend.js';
import { dependencyKey, type Dependency } from '../../types/dependency.js';
import { VaultClient, type VaultTlsOptions } from './client.js';
import { asBackendError, followSecret, renewTokenForever, secretSnapshot, type LeaseTiming } from './leases.js';
import { pkiChanges, pkiSnapshot, type PkiOptions } from './pki.js';
import { listSecrets, readSecret, stringOf, writeSecret, type MountCache } from './secrets.js';
import { contentSnapshot } from '../kv-data.js';
import { sleep } from '../../sleep.js';
import type { RetryPolicy } from '../../retry-policy.js';

/** consul-template's `vault {}` settings, resolved (flags, environment, ~/.vault-token). */
export interface VaultSourceOptions {
  readonly address: string;
  readonly token?: string;
  /** The token is a wrapping token: unwrap it first (`-vault-unwrap-token`). */
  readonly unwrapToken: boolean;
  /** Keep the client's token alive while ctmpl runs (`-vault-renew-token`). */
  readonly renewToken: boolean;
  readonly tls?: VaultTlsOptions;
  /** Lease assumed for secrets Vault gives none (KV v2), consul-template's 5 min. */
  readonly defaultLeaseMs: number;
  /** How often `secrets` lists are polled: Vault has no change feed (consul-template: 5 min). */
  readonly listPollMs: number;
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Retries of a failed re-read before the error goes to the runner (`-vault-retry*`); none when absent. */
  readonly retry?: RetryPolicy;
  /** Jitter source, injectable so tests can pin lease timing. */
  readonly random?: () => number;
}

/** Vault reads, writes and lists for `secret`/`secrets`, with their leases; loaded on the first Vault dependency. */
export class VaultSource {
  readonly #options: VaultSourceOptions;
  readonly #timing: LeaseTiming;
  readonly #mounts: MountCache = new Map();
  readonly #lifetime = new AbortController();
  /** The latest secret of each dependency, the one its lease follows. */
  readonly #latest = new Map<string, VaultSecret>();
  #client: Promise<VaultClient> | undefined;
  #made: VaultClient | undefined;

  constructor(options: VaultSourceOptions) {
    this.#options = options;
    this.#timing = { defaultLeaseMs: options.defaultLeaseMs, random: options.random ?? Math.random };
  }

  async snapshot(dep: Dependency, signal: AbortSignal): Promise<Snapshot> {
    const client = await this.#clientFor(signal);
    const subject = dependencyKey(dep);
    try {
      if (dep.type === 'vault.list') return contentSnapshot(await listSecrets(client, dep.path, signal));
      if (dep.type === 'vault.pki') return await pkiSnapshot(dep, this.#pkiOptions(client), signal);
      const secret = await this.#fetch(client, dep, signal);
      this.#latest.set(subject, secret);
      return secretSnapshot(secret);
    } catch (error) {
      throw asBackendError(subject, error);
    }
  }

  async *changes(dep: Dependency, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    const client = await this.#clientFor(signal);
    const subject = dependencyKey(dep);
    if (dep.type === 'vault.list') return yield* this.#pollList(client, dep.path, cursor, signal);
    if (dep.type === 'vault.pki') {
      try {
        return yield* pkiChanges(dep, cursor, this.#pkiOptions(client), signal);
      } catch (error) {
        throw asBackendError(subject, error);
      }
    }
    const first = this.#latest.get(subject) ?? (await this.#fetch(client, dep, signal));
    const follow = followSecret(first, cursor, {
      client, subject, timing: this.#timing, log: this.#options.log,
      fetch: async (s) => {
        const secret = await this.#withRetry(() => this.#fetch(client, dep, s), subject, s);
        this.#latest.set(subject, secret);
        return secret;
      },
    }, signal);
    try {
      yield* follow;
    } catch (error) {
      throw asBackendError(subject, error);
    }
  }

  #pkiOptions(client: VaultClient): PkiOptions {
    return { client, log: this.#options.log };
  }

  async *#pollList(client: VaultClient, path: string, cursor: string, signal: AbortSignal): AsyncGenerator<Snapshot> {
    let last = cursor;
    while (!signal.aborted) {
      await sleep(this.#options.listPollMs, signal);
      if (signal.aborted) return;
      const snapshot = contentSnapshot(await listSecrets(client, path, signal));
      if (snapshot.cursor !== last) {
        last = snapshot.cursor;
        yield snapshot;
      }
    }
  }

  async #withRetry<T>(read: () => Promise<T>, subject: string, signal: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        const delay = signal.aborted ? null : this.#options.retry?.delay(attempt) ?? null;
        if (delay === null) throw error;
        this.#options.log('warn', `${subject}: ${messageOf(error)} (retry ${attempt})`);
        await sleep(delay, signal);
      }
    }
  }

  #fetch(client: VaultClient, dep: Dependency, signal: AbortSignal): Promise<VaultSecret> {
    if (dep.type === 'vault.read') return readSecret(client, dep.path, this.#mounts, signal);
    if (dep.type === 'vault.write') return writeSecret(client, dep.path, dep.data, signal);
    throw new CtmplError('TEMPLATE_EXEC', `${dependencyKey(dep)} is not a Vault secret`);
  }

  #clientFor(signal: AbortSignal): Promise<VaultClient> {
    this.#client ??= this.#makeClient(signal).catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  async #makeClient(signal: AbortSignal): Promise<VaultClient> {
    const { address, token, tls, unwrapToken, renewToken, log } = this.#options;
    const client = new VaultClient({ address, ...(token !== undefined ? { token } : {}), ...(tls ? { tls } : {}) });
    this.#made = client;
    if (unwrapToken) client.setToken(await unwrap(client, signal));
    if (renewToken && client.hasToken) void renewTokenForever(client, this.#timing, log, this.#lifetime.signal);
    return client;
  }

  async close(): Promise<void> {
    this.#lifetime.abort();
    await this.#made?.close();
  }
}

/** Trades a wrapping token for the token it wraps (`sys/wrapping/unwrap`). */
async function unwrap(client: VaultClient, signal: AbortSignal): Promise<string> {
  const answer = await client.send({ method: 'PUT', path: 'sys/wrapping/unwrap', body: '{}', signal });
  const auth = answer.body instanceof Map ? answer.body.get('auth') : undefined;
  const token = auth instanceof Map ? stringOf(auth.get('client_token')) : '';
  if (!token) throw new CtmplError('BACKEND', `vault ${client.address}: the unwrapped answer holds no token`);
  return token;
}
