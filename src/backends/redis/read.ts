import { createHash } from 'node:crypto';
import { RESP_TYPES } from 'redis';
import { decodeBytes } from '../../bytes.js';
import { normalizeKvPath } from '../../types/dependency.js';
import { splitParent, type KeyMapping } from './keys.js';
import type { RedisClient } from './connection.js';

const SCAN_COUNT = 1000;
const BATCH = 500;

/**
 * Reads one path as confd does: the string key, else field `host` of the hash "/app/db" for
 * "/app/db/host". Returns null when neither exists.
 */
export async function readValue(client: RedisClient, keys: KeyMapping, path: string): Promise<string | null> {
  const key = keys.toKey(path);
  if ((await client.type(key)) === 'string') return textOf(await bytesOf(client).get(key));
  const parent = splitParent(path);
  if (!parent) return null;
  const parentKey = keys.toKey(parent[0]);
  if ((await client.type(parentKey)) !== 'hash') return null;
  return textOf(await bytesOf(client).hGet(parentKey, parent[1]));
}

/** The client answering values as Buffers, so bytes that are not UTF-8 survive (see src/bytes.ts). */
function bytesOf(client: RedisClient) {
  return client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
}

function textOf(value: Buffer | null | undefined): string | null {
  return value ? decodeBytes(value) : null;
}

/**
 * Reads a prefix: the string key itself, the fields of a hash at the prefix, and every string and
 * hash under "prefix/" (SCAN, so "/app" never sees "/apple"). Returns a map sorted by path.
 * `progress` is called after each round trip, so a time bound applies per step, not to the whole tree.
 */
export async function readTree(client: RedisClient, keys: KeyMapping, prefix: string, progress: () => void = () => {}): Promise<Map<string, string>> {
  const found: string[] = normalizeKvPath(prefix) === '/' ? [] : [keys.toKey(prefix)];
  for await (const batch of client.scanIterator({ MATCH: keys.childPattern(prefix), COUNT: SCAN_COUNT })) {
    found.push(...batch);
    progress();
  }
  const entries: [string, string][] = [];
  for (let i = 0; i < found.length; i += BATCH) {
    entries.push(...(await readKeys(client, keys, found.slice(i, i + BATCH))));
    progress();
  }
  return new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Reads string and hash keys as path → value pairs; other types and vanished keys are skipped. */
async function readKeys(client: RedisClient, keys: KeyMapping, batch: readonly string[]): Promise<[string, string][]> {
  // node-redis pipelines concurrent commands on one connection, so these are two round trips.
  const types = await Promise.all(batch.map((key) => client.type(key)));
  const values = await Promise.all(
    batch.map((key, i) => {
      if (types[i] === 'string') return bytesOf(client).get(key);
      if (types[i] === 'hash') return bytesOf(client).hGetAll(key);
      return null;
    }),
  );
  const entries: [string, string][] = [];
  batch.forEach((key, i) => {
    const value = values[i];
    const path = keys.toPath(key);
    if (Buffer.isBuffer(value)) entries.push([path, decodeBytes(value)]);
    else if (value) for (const [field, fieldValue] of Object.entries(value)) entries.push([`${path}/${field}`, decodeBytes(fieldValue as Buffer)]);
  });
  return entries;
}

/** A cursor for Redis data, which has no revision: a hash of the contents. */
export function contentCursor(data: string | null | ReadonlyMap<string, string>): string {
  const text = data instanceof Map ? JSON.stringify([...data]) : JSON.stringify(data);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
