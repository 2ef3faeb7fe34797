import { decodeBase64Bytes, encodeText } from '../../bytes.js';
import type { Dependency } from '../../types/dependency.js';
import { normalizeKvPath } from '../../types/dependency.js';

/**
 * What an etcd dependency reads: one key, or a prefix and everything under "prefix/". A prefix
 * never matches its siblings ("/app" does not see "/apple").
 */
export type EtcdQuery =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'list'; readonly prefix: string; readonly children: string };

/** A key range of the gateway, base64 encoded; no `range_end` means the single key. */
export interface KeyRange {
  readonly key: string;
  readonly range_end?: string;
}

/** The keys of a query at one revision, sorted by key. */
export interface KvState {
  readonly revision: string;
  readonly entries: ReadonlyMap<string, string>;
}

/** One change in a watch answer, its key and value decoded (see src/bytes.ts); a DELETE's value is empty. */
export interface WatchEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly key: string;
  readonly value: string;
  readonly modRevision: string;
}

/** One answer of a watch, the same from gRPC and from the JSON gateway; compactRevision is '0' unless compacted. */
export interface WatchResponse {
  readonly canceled: boolean;
  readonly cancelReason: string;
  readonly compactRevision: string;
  readonly events: readonly WatchEvent[];
}

/** Returns the query of a kv.get or kv.list dependency. */
export function queryOf(dep: Dependency & { type: 'kv.get' | 'kv.list' }): EtcdQuery {
  if (dep.type === 'kv.get') return { kind: 'get', key: normalizeKvPath(dep.key) };
  const prefix = normalizeKvPath(dep.prefix);
  return { kind: 'list', prefix, children: prefix === '/' ? '/' : `${prefix}/` };
}

/** True when `key` belongs to the query's data. */
export function isInQuery(query: EtcdQuery, key: string): boolean {
  if (query.kind === 'get') return key === query.key;
  return key === query.prefix || key.startsWith(query.children);
}

/** The ranges a snapshot reads: the children, then (for a non-root prefix) the prefix key itself. */
export function readRanges(query: EtcdQuery): KeyRange[] {
  if (query.kind === 'get') return [{ key: encode(query.key) }];
  const children = { key: encode(query.children), range_end: prefixEnd(query.children) };
  return query.prefix === '/' ? [children] : [children, { key: encode(query.prefix) }];
}

/** The one range a watch covers; events outside the query are filtered with `isInQuery`. */
export function watchRange(query: EtcdQuery): KeyRange {
  if (query.kind === 'get') return { key: encode(query.key) };
  // [prefix, end of "prefix/") holds the prefix key, its children, and a few siblings like "prefix-x".
  return { key: encode(query.prefix), range_end: prefixEnd(query.children) };
}

/** The data a template sees: the value or null for kv.get, the sorted map for kv.list. */
export function dataOf(query: EtcdQuery, state: KvState): string | null | ReadonlyMap<string, string> {
  return query.kind === 'get' ? (state.entries.get(query.key) ?? null) : state.entries;
}

/**
 * Applies watch events to a state. Returns the same entries object when nothing in the query
 * changed, so callers can tell a no-op batch from a change without comparing maps.
 */
export function applyEvents(
  query: EtcdQuery,
  entries: ReadonlyMap<string, string>,
  events: readonly WatchEvent[],
): ReadonlyMap<string, string> {
  let next: Map<string, string> | undefined;
  let hasNewKeys = false;
  for (const { type, key, value } of events) {
    if (!isInQuery(query, key)) continue;
    const current = next ?? entries;
    if (type === 'DELETE') {
      if (!current.has(key)) continue;
      next ??= new Map(entries);
      next.delete(key);
    } else {
      if (current.get(key) === value) continue;
      hasNewKeys ||= !current.has(key);
      next ??= new Map(entries);
      next.set(key, value);
    }
  }
  if (!next) return entries;
  return hasNewKeys ? sortEntries(next) : next;
}

/** The highest mod_revision among events, or undefined when none has one. */
export function lastRevision(events: readonly WatchEvent[]): string | undefined {
  let last = 0n;
  for (const event of events) {
    const revision = BigInt(event.modRevision);
    if (revision > last) last = revision;
  }
  return last > 0n ? last.toString() : undefined;
}

/** True when two states hold the same keys and values. */
export function isSameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** Returns a map sorted by key (code unit order, the same order deltas keep); sorts an array argument in place. */
export function sortEntries(entries: Iterable<readonly [string, string]>): Map<string, string> {
  const list = Array.isArray(entries) ? (entries as (readonly [string, string])[]) : [...entries];
  // etcd answers in byte order, which is code unit order for nearly every key: check before sorting.
  if (!isSortedByKey(list)) list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(list);
}

function isSortedByKey(list: readonly (readonly [string, string])[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]![0] > list[i]![0]) return false;
  return true;
}

/** A key or value as etcd's gateway takes it: base64 of its bytes. */
export function encode(text: string): string {
  return encodeText(text).toString('base64');
}

/** A key or value from etcd's gateway, its bytes kept (see src/bytes.ts). */
export function decode(base64: string): string {
  return decodeBase64Bytes(base64);
}

/** The base64 range_end that covers every key starting with `prefix` (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): string {
  const bytes = encodeText(prefix);
  for (let i = bytes.length - 1; i >= 0; i -= 1) {
    if (bytes[i]! < 0xff) {
      const end = bytes.subarray(0, i + 1);
      end[i] = bytes[i]! + 1;
      return end.toString('base64');
    }
  }
  return Buffer.from([0]).toString('base64');
}
