import { createHash } from 'node:crypto';
import { CtmplError, isAbortError, messageOf } from '../../errors.js';
import { encodeJsonLikeGo, JsonNumber } from '../../json-number.js';
import type { Snapshot, VaultSecret } from '../backend.js';
import { sleep } from '../../sleep.js';
import type { VaultClient } from './client.js';
import { intOf } from './secrets.js';

/**
 * Lease timing, as consul-template 0.20.0's vaultRenewDuration: a renewable lease is renewed
 * at a third of its duration (jittered down to a sixth), a non-renewable secret re-read at
 * 85–95 % of its lease; a secret without a lease (KV v2) counts as `defaultLeaseMs`.
 */
export interface LeaseTiming {
  readonly defaultLeaseMs: number;
  readonly random: () => number;
}

type Log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** Whether Vault lets this secret's lease (or its token, for an auth answer) be extended. */
export function isRenewable(secret: VaultSecret): boolean {
  return secret.Auth ? secret.Auth.Renewable : secret.Renewable;
}

/** Node timers overflow past 2^31-1 ms (~24.8 days); KV v1's default lease is 32 days. */
const MAX_TIMER_MS = 2_147_483_647;

/** How long to wait before renewing (renewable) or re-reading (not) a secret, in ms. */
export function leaseDelayMs(secret: VaultSecret, timing: LeaseTiming): number {
  const seconds = secret.Auth && secret.Auth.LeaseDuration > 0 ? secret.Auth.LeaseDuration : secret.LeaseDuration;
  const base = seconds > 0 ? seconds * 1000 : timing.defaultLeaseMs;
  const delay = isRenewable(secret) ? ((base / 3) * (timing.random() + 1)) / 2 : base * (0.85 + timing.random() * 0.1);
  return Math.min(delay, MAX_TIMER_MS);
}

/** A snapshot whose cursor changes when what a template can see changes, not when a lease is extended. */
export function secretSnapshot(secret: VaultSecret): Snapshot {
  const hash = createHash('sha1')
    .update(encodeJsonLikeGo(secret.Data))
    .update(`\0${secret.LeaseID}\0${secret.Auth?.ClientToken ?? ''}\0${secret.Warnings.join('\0')}`);
  return { data: secret, cursor: hash.digest('hex') };
}

export interface FollowOptions {
  readonly client: VaultClient;
  readonly subject: string;
  readonly timing: LeaseTiming;
  readonly log: Log;
  /** Reads (or writes) the secret afresh. */
  readonly fetch: (signal: AbortSignal) => Promise<VaultSecret>;
}

/**
 * Keeps one secret alive and yields it again whenever a fresh read differs: renewable leases
 * are renewed until Vault will not extend them, then (like non-renewable ones) re-read near
 * the end of the lease. Errors of a re-read propagate (the runner backs off and re-reads).
 */
export async function* followSecret(first: VaultSecret, cursor: string, options: FollowOptions, signal: AbortSignal): AsyncGenerator<Snapshot> {
  let secret = first;
  let lastCursor = cursor;
  while (!signal.aborted) {
    await sleep(leaseDelayMs(secret, options.timing), signal);
    if (signal.aborted) return;
    if (isRenewable(secret)) {
      const renewed = await renewLease(secret, options, signal);
      if (renewed) {
        secret = renewed;
        continue;
      }
    }
    secret = await options.fetch(signal);
    const snapshot = secretSnapshot(secret);
    if (snapshot.cursor === lastCursor) {
      options.log('debug', `${options.subject}: re-read, unchanged`);
      continue;
    }
    lastCursor = snapshot.cursor;
    yield snapshot;
  }
}

/**
 * Extends a lease (`sys/leases/renew`) or an auth answer's token (`auth/token/renew`). Returns
 * the secret with its new lease, or undefined when Vault refused or no longer extends it (the
 * caller then reads afresh), as the Vault API's Renewer gives up near a max TTL.
 */
async function renewLease(secret: VaultSecret, options: FollowOptions, signal: AbortSignal): Promise<VaultSecret | undefined> {
  const isAuth = secret.Auth !== null;
  const before = isAuth ? secret.Auth!.LeaseDuration : secret.LeaseDuration;
  try {
    const answer = isAuth
      ? await options.client.send({ method: 'PUT', path: 'auth/token/renew', body: JSON.stringify({ token: secret.Auth!.ClientToken }), signal })
      : await options.client.send({ method: 'PUT', path: 'sys/leases/renew', body: JSON.stringify({ lease_id: secret.LeaseID }), signal });
    const body = answer.body instanceof Map ? answer.body : new Map();
    const auth = body.get('auth');
    const after = isAuth ? intOf(auth instanceof Map ? auth.get('lease_duration') : undefined) : intOf(body.get('lease_duration'));
    options.log('debug', `${options.subject}: lease renewed for ${after}s`);
    // A lease Vault shortened (max TTL near) is left to run out, then the secret is read afresh.
    if (after <= 0 || after < before / 2) return undefined;
    return isAuth ? { ...secret, Auth: { ...secret.Auth!, LeaseDuration: after } } : { ...secret, LeaseDuration: after };
  } catch (error) {
    if (isAbortError(error) || signal.aborted) throw error;
    options.log('warn', `${options.subject}: failed to renew: ${messageOf(error)}; reading it again`);
    return undefined;
  }
}

/**
 * Renews the client's own token while ctmpl runs (`-vault-renew-token`), at a third of its TTL.
 * A token that cannot be renewed (root, or not renewable) is left alone; failures are logged
 * and retried later, never fatal.
 */
export async function renewTokenForever(client: VaultClient, timing: LeaseTiming, log: Log, signal: AbortSignal): Promise<void> {
  let ttlSeconds = await lookupRenewableTtl(client, log, signal);
  while (ttlSeconds > 0 && !signal.aborted) {
    await sleep(Math.min(((ttlSeconds * 1000) / 3) * ((timing.random() + 1) / 2), MAX_TIMER_MS), signal);
    if (signal.aborted) return;
    try {
      const answer = await client.send({ method: 'PUT', path: 'auth/token/renew-self', body: '{}', signal });
      const auth = answer.body instanceof Map ? answer.body.get('auth') : undefined;
      ttlSeconds = intOf(auth instanceof Map ? auth.get('lease_duration') : undefined);
      log('debug', `vault.token: renewed for ${ttlSeconds}s`);
    } catch (error) {
      if (isAbortError(error) || signal.aborted) return;
      log('warn', `vault.token: failed to renew: ${messageOf(error)}`);
    }
  }
}

async function lookupRenewableTtl(client: VaultClient, log: Log, signal: AbortSignal): Promise<number> {
  try {
    const answer = await client.send({ method: 'GET', path: 'auth/token/lookup-self', signal });
    const data = answer.body instanceof Map ? answer.body.get('data') : undefined;
    if (!(data instanceof Map) || data.get('renewable') !== true) return 0;
    const ttl = data.get('ttl');
    return ttl instanceof JsonNumber ? Number(ttl.text) : 0;
  } catch (error) {
    if (!isAbortError(error) && !signal.aborted) log('warn', `vault.token: cannot look the token up: ${messageOf(error)}`);
    return 0;
  }
}

export function asBackendError(subject: string, error: unknown): unknown {
  if (isAbortError(error) || !(error instanceof CtmplError)) return error;
  return new CtmplError(error.code, `${subject}: ${error.message}`, { cause: error });
}
