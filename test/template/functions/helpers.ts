import { existsSync, readFileSync } from 'node:fs';
import { GoChannel, GoFloat, GoInt, type FuncMap, type GoValue } from '../../../src/template/go/values.js';
import type { Flavor } from '../../../src/types/template.js';
import type { DataReader, FunctionContext } from '../../../src/template/functions/context.js';
import { createFuncMap, type FuncMapOptions } from '../../../src/template/functions/index.js';
import { compileTemplate, type RenderOptions, type RenderResult } from '../../../src/template/render.js';
import { consulKv, FakeData, flattenYaml } from '../../support/fake-data.js';

/** Shared setup for the function tests: contexts, calls, and the conformance fixtures. */

export const CONFORMANCE = new URL('../../fixtures/conformance/', import.meta.url);

export function conformanceFile(path: string): string {
  return readFileSync(new URL(path, CONFORMANCE), 'utf8');
}

export function context(flavor: Flavor, data: DataReader, extra: Partial<FunctionContext> = {}): FunctionContext {
  return { flavor, data, env: {}, prefix: '/', denylist: [], ...extra };
}

export function funcsFor(flavor: Flavor, data: DataReader = new FakeData({}), extra: Partial<FunctionContext> = {}, options: FuncMapOptions = {}): FuncMap {
  return createFuncMap(context(flavor, data, extra), options);
}

/** Calls template function `name` as the engine would after its arity/type checks. */
export function call(funcs: FuncMap, name: string, ...args: GoValue[]): GoValue {
  const fn = funcs[name];
  if (!fn) throw new Error(`no function ${name}`);
  return fn.call(...args);
}

/** Go values → plain data for deepStrictEqual (maps → objects, floats → {float}, symbols dropped). */
export function plain(value: GoValue): unknown {
  if (value instanceof GoFloat) return { float: value.value };
  if (value instanceof GoInt) return `${value.type}(${value.value})`;
  if (value instanceof GoChannel) return [...value.values].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v as GoValue)]));
  }
  return value;
}

/** The two data.yaml files of the go-template cases, flattened as confd's file backend does. */
export const APP_DATA = flattenYaml(conformanceFile('go-template/getv_basic/data.yaml'));
export const SVC_DATA = flattenYaml(conformanceFile('go-template/getv_empty_default/data.yaml'));

interface SetupService {
  readonly ID: string;
  readonly Name: string;
  readonly Address: string;
  readonly Port: number;
  readonly Tags: readonly string[];
  readonly Meta?: Readonly<Record<string, string>>;
  readonly Status?: string;
}

/** The consul cases' setup.json (all cases share it). */
export const SETUP = JSON.parse(conformanceFile('consul/key_basic/setup.json')) as {
  kv: Record<string, string>;
  services: SetupService[];
};

export const CONSUL_KV = consulKv(SETUP.kv);

/** The HealthService list Consul answers for `name` with `filters`, on node testnode. */
export function healthServices(name: string, filters: readonly string[]) {
  return SETUP.services
    .filter((s) => s.Name === name)
    .map((s) => ({ ...s, Status: s.Status ?? 'passing' }))
    .filter((s) => filters.includes('any') || filters.includes(s.Status))
    .sort((a, b) => (a.ID < b.ID ? -1 : 1))
    .map((s) => ({
      Node: 'testnode',
      NodeID: 'node-id',
      NodeAddress: '127.0.0.1',
      NodeDatacenter: 'dc1',
      NodeTaggedAddresses: { lan: '127.0.0.1', wan: '127.0.0.1' },
      NodeMeta: {},
      ServiceMeta: s.Meta ?? {},
      Address: s.Address || '127.0.0.1',
      ID: s.ID,
      Name: s.Name,
      Tags: [...s.Tags].sort(),
      Checks: [],
      Status: s.Status,
      Port: s.Port,
    }));
}

/** Catalog services (with the agent's own `consul`), tags unioned and sorted. */
export function catalogServices() {
  const tags = new Map<string, Set<string>>([['consul', new Set()]]);
  for (const s of SETUP.services) {
    const set = tags.get(s.Name) ?? new Set<string>();
    s.Tags.forEach((t) => set.add(t));
    tags.set(s.Name, set);
  }
  return [...tags].sort(([a], [b]) => (a < b ? -1 : 1)).map(([Name, set]) => ({ Name, Tags: [...set].sort() }));
}

/** A FakeData serving the consul fixtures for the dependencies `keys` name. */
export function consulData(other: Readonly<Record<string, unknown>> = {}): FakeData {
  return new FakeData(CONSUL_KV, other);
}

/**
 * Renders a Go template as the runner would: pass after pass, each `file` dependency the render
 * reports missing read from disk (null when absent), until nothing is missing.
 */
export async function renderGo(text: string, flavor: Flavor, options: Partial<RenderOptions> = {}, name = 'x.tmpl'): Promise<RenderResult> {
  const template = await compileTemplate({ name, text, dialect: 'go', flavor });
  const snapshots = new Map<string, unknown>();
  for (;;) {
    const result = template.render(snapshots, { env: {}, prefix: '/', denylist: [], ...options });
    if (result.missing.size === 0) return result;
    for (const [key, dep] of result.missing) {
      if (dep.type !== 'file') throw new Error(`renderGo serves files only, not ${key}`);
      snapshots.set(key, existsSync(dep.path) ? readFileSync(dep.path, 'utf8') : null);
    }
  }
}
