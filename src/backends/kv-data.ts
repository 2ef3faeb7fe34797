import { createHash } from 'node:crypto';
import type { KvList, Snapshot } from './backend.js';
import type { Dependency } from '../types/dependency.js';

/**
 * Answers kv.get / kv.list from a flat key → value map, for backends that hold their whole data
 * set in memory (file, env). Prefix "/app" covers "/app" and "/app/…", never "/apple".
 */
export function kvData(all: ReadonlyMap<string, string>, dep: Dependency): unknown {
  if (dep.type === 'kv.get') return all.get(dep.key) ?? null;
  if (dep.type !== 'kv.list') throw new Error(`unsupported dependency ${dep.type}`);
  const list = new Map<string, string>();
  const under = dep.prefix === '/' ? '/' : `${dep.prefix}/`;
  for (const key of sortedKeys(all)) {
    if (key === dep.prefix || key.startsWith(under)) list.set(key, all.get(key)!);
  }
  return list satisfies KvList;
}

/**
 * confd's own listing of a resource key on an in-memory store (its file backend's GetValues):
 * every key that starts with the text of `prefix`, so "/app" also takes "/apple/x".
 */
export function confdListing(all: ReadonlyMap<string, string>, prefix: string): KvList {
  const list = new Map<string, string>();
  for (const key of sortedKeys(all)) if (key.startsWith(prefix)) list.set(key, all.get(key)!);
  return list;
}

const sortedByMap = new WeakMap<ReadonlyMap<string, string>, readonly string[]>();

/** The map's keys sorted, computed once per map (one data set answers many kv.list). */
function sortedKeys(all: ReadonlyMap<string, string>): readonly string[] {
  let keys = sortedByMap.get(all);
  if (!keys) sortedByMap.set(all, (keys = [...all.keys()].sort()));
  return keys;
}

/** Builds a snapshot whose cursor is a hash of its data, so equal data means an equal cursor. */
export function contentSnapshot(data: unknown): Snapshot {
  return { data, cursor: contentHash(data) };
}

export function contentHash(data: unknown): string {
  const serialised = data instanceof Map ? JSON.stringify([...data]) : JSON.stringify(data);
  return createHash('sha1').update(serialised ?? 'undefined').digest('hex');
}
