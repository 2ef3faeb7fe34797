import { CtmplError } from '../errors.js';
import { optionalString, positiveDuration } from './validate.js';

/**
 * Fleet mode (`-dedup`, consul-template's `deduplicate {}`): per template, one instance of a
 * fleet watches the dependencies and publishes their data under `prefix`; the others follow it.
 */
export interface DedupSettings {
  /** KV prefix of the locks and the published data, without a trailing slash. */
  readonly prefix: string;
  /** Longest a dead leader keeps its templates before another instance takes over. */
  readonly ttlMs: number;
  /** Followers read the published data from any Consul server lagging at most this much. */
  readonly maxStaleMs: number;
  /** How long one blocking read of the published data may wait. */
  readonly blockQueryWaitMs: number;
}

/**
 * consul-template's defaults (config/dedup.go) except the prefix: the data ctmpl publishes is
 * its own format, so it lives under its own prefix and never meets consul-template's.
 */
export const dedupDefaults: DedupSettings = {
  prefix: 'ctmpl/dedup',
  ttlMs: 15_000,
  maxStaleMs: 2_000,
  blockQueryWaitMs: 60_000,
};

/** The `deduplicate {}` block of a consul-template config file, keys as written. */
export type DedupBlock = Readonly<Record<string, unknown>>;

/**
 * The fleet settings, or undefined when fleet mode is off. `enabled` is the -dedup flag (or
 * CTMPL/CONFD setting) when given, else the block's `enabled`.
 */
export function dedupSettingsOf(enabled: unknown, block: DedupBlock | undefined, backend: string): DedupSettings | undefined {
  const isEnabled = enabled ?? block?.enabled;
  if (isEnabled === undefined || isEnabled === false) return undefined;
  if (isEnabled !== true) throw new CtmplError('USAGE', `-dedup ${JSON.stringify(isEnabled)}: want true or false`);
  if (!['consul', 'etcd', 'etcdv3'].includes(backend)) throw new CtmplError('USAGE', `-dedup: the ${backend} backend cannot hold a fleet's locks; use consul or etcd`);
  const prefix = optionalString(block?.prefix, 'deduplicate.prefix')?.replace(/^\/+|\/+$/g, '');
  // consul-template's HCL keys match without regard to case (mapstructure): `TTL` and `ttl`.
  const ttl = block?.ttl ?? block?.TTL;
  return {
    prefix: prefix || dedupDefaults.prefix,
    ttlMs: positiveDuration(ttl, 'deduplicate.TTL', dedupDefaults.ttlMs),
    maxStaleMs: block?.max_stale === undefined ? dedupDefaults.maxStaleMs : durationOrZero(block.max_stale),
    blockQueryWaitMs: positiveDuration(block?.block_query_wait, 'deduplicate.block_query_wait', dedupDefaults.blockQueryWaitMs),
  };
}

/** max_stale may be 0 (consistent reads only). */
function durationOrZero(value: unknown): number {
  if (value === 0 || value === '0' || value === '0s') return 0;
  return positiveDuration(value, 'deduplicate.max_stale', 0);
}
