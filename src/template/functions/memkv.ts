import { GO_TYPE_NAME, goSlice, type GoStruct } from '../go/values.js';
import { basePath, cleanPath, dirPath, matchPath } from './go-path.js';

/**
 * kelseyhightower/memkv's Store operations, over a key → value map whose keys are absolute
 * and clean ("/app/name"), as confd fills it.
 */
export type MemkvStore = ReadonlyMap<string, string>;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** memkv.KVPair. */
export function kvPair(key: string, value: string): GoStruct {
  return { Key: key, Value: value, [GO_TYPE_NAME]: 'memkv.KVPair' };
}

/** confd's store key for a backend key: path.Join("/", strings.TrimPrefix(key, prefix)). */
export function storeKey(fullKey: string, prefix: string): string {
  const trimmed = fullKey.startsWith(prefix) ? fullKey.slice(prefix.length) : fullKey;
  // Same as joinPath('/', trimmed), without the doubled slash that sends every key down Clean's slow path.
  return cleanPath(trimmed.startsWith('/') ? trimmed : `/${trimmed}`);
}

/** Store.Get: the pair, or throws `key does not exist: KEY`. */
export function memkvGet(store: MemkvStore, key: string): GoStruct {
  const value = store.get(key);
  if (value === undefined) throw new Error(`key does not exist: ${key}`);
  return kvPair(key, value);
}

/** Store.GetValue: the value, the first default, or throws `key does not exist: KEY`. */
export function memkvGetValue(store: MemkvStore, key: string, defaults: readonly string[]): string {
  const value = store.get(key);
  if (value !== undefined) return value;
  if (defaults.length > 0) return defaults[0]!;
  throw new Error(`key does not exist: ${key}`);
}

/** Store.GetAll: pairs whose key matches the path.Match pattern, sorted by key. */
export function memkvGetAll(store: MemkvStore, pattern: string): GoStruct[] {
  const keys = [...store.keys()].filter((key) => matchPath(pattern, key)).sort(compare);
  return goSlice('memkv.KVPairs', keys.map((key) => kvPair(key, store.get(key)!)));
}

/** Store.GetAllValues: values of the matching keys, sorted by value. */
export function memkvGetAllValues(store: MemkvStore, pattern: string): string[] {
  return goSlice('[]string', memkvGetAll(store, pattern)
    .map((pair) => pair.Value as string)
    .sort(compare));
}

const toTerms = (path: string) => cleanPath(path).split('/');

function hasPrefixTerms(prefix: readonly string[], test: readonly string[]): boolean {
  return test.length >= prefix.length && prefix.every((term, i) => term === test[i]);
}

function stripKey(key: string, prefix: string): string {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  return rest.startsWith('/') ? rest.slice(1) : rest;
}

/** Store.List: names of the children (leaves and directories) of `path`, sorted. */
export function memkvList(store: MemkvStore, path: string): string[] {
  const names = new Set<string>();
  const prefix = toTerms(path);
  for (const key of store.keys()) {
    if (key === path) {
      names.add(basePath(key));
      continue;
    }
    if (hasPrefixTerms(prefix, toTerms(dirPath(key)))) names.add(stripKey(key, path).split('/')[0]!);
  }
  return goSlice('[]string', [...names].sort(compare));
}

/** Store.ListDir: names of the sub-directories of `path`, sorted. */
export function memkvListDir(store: MemkvStore, path: string): string[] {
  const names = new Set<string>();
  const prefix = toTerms(path);
  for (const key of store.keys()) {
    if (!key.startsWith(path)) continue;
    const items = toTerms(dirPath(key));
    if (hasPrefixTerms(prefix, items) && items.length - prefix.length >= 1) names.add(items[prefix.length]!);
  }
  return goSlice('[]string', [...names].sort(compare));
}
