import type { KvList } from '../../types/data.js';
import { normalizeKvPath, type Dependency } from '../../types/dependency.js';
import { goFunc, type FuncMap } from '../go/values.js';
import type { FunctionContext } from './context.js';
import { cleanPath, globStaticDir, joinPath } from './go-path.js';
import {
  kvPair,
  memkvGet,
  memkvGetAll,
  memkvGetAllValues,
  memkvGetValue,
  memkvList,
  memkvListDir,
  storeKey,
  type MemkvStore,
} from './memkv.js';

/**
 * confd's memkv functions: `get gets getv getvs exists ls lsdir`, keys relative to the
 * resource prefix. With resource `keys`, the store is the merge of `kv.list` of each key, as
 * confd loads it; without, each call reads just what it needs (a key, or the glob's / dir's
 * directory). `undefined` from the reader (no snapshot yet) yields zero values, never errors.
 */

const EMPTY: MemkvStore = new Map();

/**
 * The store of each list, by resource prefix. Kept across renders (a render builds a new reader):
 * a list object stands for one snapshot of its data, so its store only changes with it, and a
 * list no snapshot holds any more is collected with its stores.
 */
const storesByList = new WeakMap<KvList, Map<string, MemkvStore>>();

function listStore(list: KvList, prefix: string): MemkvStore {
  let byPrefix = storesByList.get(list);
  if (!byPrefix) storesByList.set(list, (byPrefix = new Map()));
  let store = byPrefix.get(prefix);
  if (!store) {
    const built = new Map<string, string>();
    for (const [k, v] of list) built.set(storeKey(k, prefix), v);
    byPrefix.set(prefix, (store = built));
  }
  return store;
}

class StoreReader {
  #merged?: { lists: readonly KvList[]; store: MemkvStore };

  constructor(readonly ctx: FunctionContext) {}

  #listStore(list: KvList): MemkvStore {
    return listStore(list, this.ctx.prefix);
  }

  #readList(path: string, siblings = false): KvList | undefined {
    const dep: Dependency = { type: 'kv.list', prefix: normalizeKvPath(path), ...(siblings ? { siblings: true as const } : {}) };
    return this.ctx.data.read(dep) as KvList | undefined;
  }

  /** The whole store of a resource with `keys`, or undefined while any list is missing. */
  #resourceStore(keys: readonly string[]): MemkvStore | undefined {
    // confd loads `keys` with its backend's own listing: on Consul that includes siblings.
    const lists = keys.map((key) => this.#readList(key, true));
    if (lists.some((list) => list === undefined)) return undefined;
    if (lists.length === 1) return this.#listStore(lists[0]!);
    const cached = this.#merged;
    if (cached && cached.lists.every((list, i) => list === lists[i])) return cached.store;
    const store = new Map<string, string>();
    for (const list of lists as KvList[]) for (const [k, v] of this.#listStore(list)) store.set(k, v);
    this.#merged = { lists: lists as KvList[], store };
    return store;
  }

  /** Store holding at most `key` (memkv keys are absolute and clean; others never match). */
  forKey(key: string): MemkvStore | undefined {
    if (this.ctx.keys) return this.#resourceStore(this.ctx.keys);
    if (!key.startsWith('/') || cleanPath(key) !== key) return EMPTY;
    const dep: Dependency = { type: 'kv.get', key: normalizeKvPath(joinPath(this.ctx.prefix, key)) };
    const value = this.ctx.data.read(dep) as string | null | undefined;
    if (value === undefined) return undefined;
    return value === null ? EMPTY : new Map([[key, value]]);
  }

  /** Store holding everything below directory `dir`. */
  forDir(dir: string): MemkvStore | undefined {
    if (this.ctx.keys) return this.#resourceStore(this.ctx.keys);
    const list = this.#readList(joinPath(this.ctx.prefix, dir));
    return list === undefined ? undefined : this.#listStore(list);
  }
}

/** The confd memkv function set over `ctx`. */
export function confdKvFuncs(ctx: FunctionContext): FuncMap {
  const reader = new StoreReader(ctx);
  const forGlob = (pattern: string) => reader.forDir(globStaticDir(pattern));
  return {
    exists: goFunc(['string'], (key: string) => reader.forKey(key)?.has(key) ?? false),
    get: goFunc(['string'], (key: string) => {
      const store = reader.forKey(key);
      return store ? memkvGet(store, key) : kvPair('', '');
    }),
    getv: goFunc(
      ['string'],
      (key: string, ...defaults: string[]) => {
        const store = reader.forKey(key);
        return store ? memkvGetValue(store, key, defaults) : '';
      },
      'string',
    ),
    gets: goFunc(['string'], (pattern: string) => {
      const store = forGlob(pattern);
      return store ? memkvGetAll(store, pattern) : [];
    }),
    getvs: goFunc(['string'], (pattern: string) => {
      const store = forGlob(pattern);
      return store ? memkvGetAllValues(store, pattern) : [];
    }),
    ls: goFunc(['string'], (dir: string) => {
      const store = reader.forDir(dir);
      return store ? memkvList(store, dir) : [];
    }),
    lsdir: goFunc(['string'], (dir: string) => {
      const store = reader.forDir(dir);
      return store ? memkvListDir(store, dir) : [];
    }),
  };
}
