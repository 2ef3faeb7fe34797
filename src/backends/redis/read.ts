import { createHash } from 'node:crypto';
import { ErrorReply, RESP_TYPES } from 'redis';
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
  // GET and HGET straight away, not after a TYPE each: a key of another type answers WRONGTYPE,
  // so a string costs one round trip, not two.
  const value = await orWrongType(bytesOf(client).get(keys.toKey(path)));
  if (value) return decodeBytes(value);
  const parent = splitParent(path);
  if (!parent) return null;
  return textOf(await orWrongType(bytesOf(client).hGet(keys.toKey(parent[0]), parent[1])));
}

/** The answer, or null when the key holds another type than the command reads. */
async function orWrongType<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (isWrongType(error)) return null;
    throw error;
  }
}

function isWrongType(error: unknown): boolean {
  return error instanceof ErrorReply && error.message.startsWith('WRONGTYPE');
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
  // node-redis pipelines concurrent commands on one connection: a GET of every key is one round
  // trip, and only keys that are not strings (WRONGTYPE) cost a second, an HGETALL (which other
  // types answer WRONGTYPE again: skipped, as before).
  const notString = Symbol('not a string');
  const strings = await Promise.all(batch.map((key) => bytesOf(client).get(key).catch((error: unknown) => {
    if (isWrongType(error)) return notString;
    throw error;
  })));
  const values = await Promise.all(
    batch.map((key, i) => (strings[i] === notString ? orWrongType(bytesOf(client).hGetAll(key)) : strings[i] as Buffer | null)),
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
