import { parse } from 'yaml';
import type { KvList } from '../../src/backends/backend.js';
import { dependencyKey, type Dependency } from '../../src/types/dependency.js';
import type { DataReader } from '../../src/template/functions/context.js';

/**
 * An in-memory DataReader for function tests: KV data from one flat key space (keys with a
 * leading slash, as backends return them) and any other dependency by its canonical key.
 * It records every read and every dependency marked missing, by canonical key.
 */
export class FakeData implements DataReader {
  readonly reads: string[] = [];
  readonly missing: string[] = [];
  readonly #kv: ReadonlyMap<string, string> | undefined;
  readonly #other: ReadonlyMap<string, unknown>;

  /** `kv` undefined means "no KV snapshot yet": kv reads return undefined. */
  constructor(kv?: Readonly<Record<string, string>> | ReadonlyMap<string, string>, other: Readonly<Record<string, unknown>> = {}) {
    this.#kv = kv === undefined ? undefined : kv instanceof Map ? kv : new Map(Object.entries(kv));
    this.#other = new Map(Object.entries(other));
  }

  read(dep: Dependency): unknown {
    const key = dependencyKey(dep);
    this.reads.push(key);
    if (dep.type === 'kv.get') return this.#kv ? (this.#kv.get(dep.key) ?? null) : undefined;
    if (dep.type === 'kv.list') return this.#kv ? listPrefix(this.#kv, dep.prefix) : undefined;
    return this.#other.get(key);
  }

  markMissing(dep: Dependency): void {
    this.missing.push(dependencyKey(dep));
  }
}

/** Every key equal to `prefix` or below it, sorted (how backends answer kv.list). */
export function listPrefix(kv: ReadonlyMap<string, string>, prefix: string): KvList {
  const base = prefix === '/' ? '/' : `${prefix}/`;
  const keys = [...kv.keys()].filter((k) => k === prefix || k.startsWith(base)).sort();
  return new Map(keys.map((k) => [k, kv.get(k)!]));
}

/** confd's file-backend flattening of YAML: maps → "/a/b", list items → "/a/0", scalars as text. */
export function flattenYaml(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}/${i}`));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${path}/${k}`);
    } else out.set(path || '/', String(value));
  };
  walk(parse(text), '');
  return out;
}

/** consul-template fixture KV ("app/name") → backend keys ("/app/name"). */
export function consulKv(kv: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(kv).map(([k, v]) => [`/${k}`, v]));
}
