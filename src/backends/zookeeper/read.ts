import type { KvList } from '../backend.js';
import { OpCode, ReplyCode, ZkReplyError, type Watcher, type ZkConnection } from './connection.js';
import { JuteWriter, readStat, type Stat } from './jute.js';

/**
 * Reads znodes into confd's flat key space (backends/zookeeper/client.go `nodeWalk`): a znode
 * without children is a key holding its data (empty data is ""); a znode with children is a
 * directory, never a key, whatever data it holds. Given a `watcher`, every read sets the
 * one-shot watch that covers what it read, so any later change that could alter the result
 * notifies the watcher: child watches on every node walked, data watches on the keys, an exists
 * watch on a missing top node.
 */

/** A missing node that appears while it is being read is read again, this many times at most. */
const MAX_READ_ATTEMPTS = 5;

/** getChildren2: the child names and Stat, or null when the node does not exist. */
export async function getChildren(connection: ZkConnection, path: string, watcher?: Watcher): Promise<{ children: string[]; stat: Stat } | null> {
  if (watcher) connection.watch('child', path, watcher);
  const reply = await orNull(connection.call(OpCode.getChildren2, request(path, watcher)));
  if (!reply) return null;
  const children = reply.strings();
  return { children, stat: readStat(reply) };
}

/** getData: the node's data as text ("" for none), or null when the node does not exist. */
export async function getData(connection: ZkConnection, path: string, watcher?: Watcher): Promise<string | null> {
  if (watcher) connection.watch('data', path, watcher);
  const reply = await orNull(connection.call(OpCode.getData, request(path, watcher)));
  return reply ? (reply.buffer()?.toString('utf8') ?? '') : null;
}

/** exists: the node's Stat, or null. With a watcher, the server watches the path even while it is absent. */
export async function exists(connection: ZkConnection, path: string, watcher?: Watcher): Promise<Stat | null> {
  if (watcher) connection.watch('data', path, watcher);
  const reply = await orNull(connection.call(OpCode.exists, request(path, watcher)));
  return reply ? readStat(reply) : null;
}

/** Every key at or below `prefix`, sorted; empty when `prefix` does not exist. */
export async function readTree(connection: ZkConnection, prefix: string, watcher?: Watcher): Promise<KvList> {
  for (let attempt = 1; ; attempt++) {
    const entries = new Map<string, string>();
    const isFound = await walk(connection, prefix, entries, watcher);
    if (isFound || attempt >= MAX_READ_ATTEMPTS || !(await exists(connection, prefix, watcher))) {
      return new Map([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  }
}

/** The value of `key`: its data when it is a node without children, else null. */
export async function readValue(connection: ZkConnection, key: string, watcher?: Watcher): Promise<string | null> {
  for (let attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
    const [listing, data] = await Promise.all([getChildren(connection, key, watcher), getData(connection, key, watcher)]);
    if (listing && data !== null) return listing.children.length === 0 ? data : null;
    if (!(await exists(connection, key, watcher))) return null;
  }
  return null;
}

/**
 * Adds the keys at or below `path` to `entries`; false when `path` itself vanished. Children
 * that vanish mid-walk are skipped, as confd skips them: the parent's child watch reports it.
 * A node's children and data are asked for together, so each level of the tree costs one round
 * trip; the data watch this sets on a directory only ever causes a re-read that finds no change.
 */
async function walk(connection: ZkConnection, path: string, entries: Map<string, string>, watcher?: Watcher): Promise<boolean> {
  const [listing, data] = await Promise.all([getChildren(connection, path, watcher), getData(connection, path, watcher)]);
  if (!listing || data === null) return false;
  if (listing.children.length === 0) {
    entries.set(path, data);
    return true;
  }
  await Promise.all(listing.children.map((child) => walk(connection, childPath(path, child), entries, watcher)));
  return true;
}

function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

function request(path: string, watcher: Watcher | undefined): Buffer {
  return new JuteWriter().string(path).bool(watcher !== undefined).bytes();
}

/** The reply, or null when ZooKeeper answered NoNode. */
async function orNull<T>(reply: Promise<T>): Promise<T | null> {
  try {
    return await reply;
  } catch (error) {
    if (error instanceof ZkReplyError && error.replyCode === ReplyCode.noNode) return null;
    throw error;
  }
}
