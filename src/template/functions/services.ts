import type { CatalogNode, CatalogNodeServices, CatalogService, HealthService } from '../../types/data.js';
import { goFunc, goMap, goSlice, type FuncMap, type GoStruct, type GoValue } from '../go/values.js';
import type { FunctionContext } from './context.js';
import { typeString } from '../go/print.js';
import { typeNameOf, goStruct } from './methods.js';
import { parseCatalogNode, parseCatalogNodes, parseCatalogServices, parseHealthService } from './query.js';
import { toCatalogNode, toCatalogNodeServices, toCatalogSnippet, toHealthService } from './shapes.js';
import { atoi } from './strconv.js';

/**
 * consul-template's catalog functions (`service services node nodes datacenters`) and the
 * grouping helpers (`byTag byKey byPort byMeta`).
 */

function service(ctx: FunctionContext, args: readonly string[]): GoStruct[] {
  if (args.length === 0 || args[0] === '') return [];
  const data = ctx.data.read(parseHealthService(args.join('|'))) as HealthService[] | undefined;
  return goSlice('[]*dependency.HealthService', (data ?? []).map(toHealthService));
}

function services(ctx: FunctionContext, args: readonly string[]): GoStruct[] {
  const data = ctx.data.read(parseCatalogServices(args.join(''))) as CatalogService[] | undefined;
  return goSlice('[]*dependency.CatalogSnippet', (data ?? []).map(toCatalogSnippet));
}

function node(ctx: FunctionContext, args: readonly string[]): GoStruct | null {
  const data = ctx.data.read(parseCatalogNode(args.join(''))) as CatalogNodeServices | null | undefined;
  return data ? toCatalogNodeServices(data) : null;
}

function nodes(ctx: FunctionContext, args: readonly string[]): GoStruct[] {
  const data = ctx.data.read(parseCatalogNodes(args.join(''))) as CatalogNode[] | undefined;
  return goSlice('[]*dependency.Node', (data ?? []).map(toCatalogNode));
}

function datacenters(ctx: FunctionContext, ignore: readonly boolean[]): string[] {
  if (ignore.length > 1) {
    throw new Error(`datacenters: wrong number of arguments, expected 0 or 1, but got ${ignore.length}`);
  }
  const data = ctx.data.read({ type: 'catalog.datacenters' }) as string[] | undefined;
  return goSlice('[]string', [...(data ?? [])]);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The groups sorted by key, as a Go map of `type` whose missing keys index as `zero()`. */
function sortedMap<T extends GoValue>(
  groups: Map<string, T>,
  type: string,
  zero: () => GoValue,
  order: (a: string, b: string) => number = compare,
): ReadonlyMap<string, T> {
  return goMap(type, zero, [...groups].sort(([a], [b]) => order(a, b))) as Map<string, T>;
}

const TAGGED_TYPES = new Set(['*dependency.HealthService', '*dependency.CatalogSnippet', '*dependency.CatalogService']);

function groupInto(groups: Map<string, GoValue[]>, key: string, value: GoValue): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/** byTag: tag → the services carrying it (HealthService, CatalogSnippet or CatalogService). */
export function byTag(input: GoValue): ReadonlyMap<string, GoValue[]> {
  const groups = new Map<string, GoValue[]>();
  if (input === null || input === undefined) return groups;
  if (!Array.isArray(input) || !input.every((s) => TAGGED_TYPES.has(typeNameOf(s) ?? ''))) {
    throw new Error(`byTag: wrong argument type ${typeString(input)}`);
  }
  for (const s of input as GoStruct[]) {
    const tags = (s.Tags ?? s.ServiceTags ?? []) as string[];
    for (const tag of tags) groupInto(groups, tag, s);
  }
  return sortedMap(groups, 'map[string][]interface {}', () => []);
}

/** byPort: port → services; keys are the decimal port (the value model has string keys only). */
export function byPort(input: GoValue): ReadonlyMap<string, GoValue[]> {
  const groups = new Map<string, GoValue[]>();
  if (input === null || input === undefined) return groups;
  if (!Array.isArray(input) || !input.every((s) => typeNameOf(s) === '*dependency.HealthService')) {
    throw new Error(`byPort: wrong argument type ${typeString(input)}`);
  }
  for (const s of input as GoStruct[]) groupInto(groups, String(s.Port), s);
  return sortedMap(groups, 'map[int][]interface {}', () => [], (a, b) => Number(a) - Number(b));
}

/** byKey: top-level key → (rest of key → pair with that rest as Key); bare top keys dropped. */
export function byKey(pairs: readonly GoStruct[]): ReadonlyMap<string, ReadonlyMap<string, GoStruct>> {
  const groups = new Map<string, Map<string, GoStruct>>();
  for (const pair of pairs ?? []) {
    const [top = '', ...rest] = String(pair.Key).split('/');
    const key = rest.join('/');
    if (key === '') continue;
    if (!groups.has(top)) groups.set(top, new Map());
    groups.get(top)!.set(key, goStruct(typeNameOf(pair) ?? '*dependency.KeyPair', { ...pair, Key: key }));
  }
  const pairsOf = (m: Map<string, GoStruct>) => sortedMap(m, 'map[string]*dependency.KeyPair', () => null);
  return sortedMap(new Map([...groups].map(([k, m]) => [k, pairsOf(m)])), 'map[string]map[string]*dependency.KeyPair', () => pairsOf(new Map()));
}

function metaValue(meta: ReadonlyMap<string, GoValue>, key: string): string {
  const realKey = key.replace(/\|int$/, '');
  const value = meta.get(realKey);
  if (typeof value === 'string' && value !== '') return value;
  return key.endsWith('|int') ? '0' : `_no_${realKey}_`;
}

function metaGroupKey(meta: ReadonlyMap<string, GoValue>, keys: readonly string[]): string {
  const parts = keys.map((key) => {
    let value = metaValue(meta, key);
    if (key.endsWith('|int')) {
      try {
        value = String(atoi(value)).padStart(5, '0');
      } catch (err) {
        throw new Error(`cannot parse ${value} as number : ${(err as Error).message}`);
      }
    }
    return value.replace(/[^a-zA-Z0-9_-]/g, '_');
  });
  return parts.join('_');
}

/** byMeta: services grouped by one or more ServiceMeta keys ("zone,weight|int"). */
export function byMeta(meta: string, services: readonly GoStruct[]): ReadonlyMap<string, GoValue[]> {
  const groups = new Map<string, GoValue[]>();
  const keys = meta.split(',');
  for (const s of services ?? []) {
    const serviceMeta = (s.ServiceMeta ?? new Map()) as ReadonlyMap<string, GoValue>;
    groupInto(groups, metaGroupKey(serviceMeta, keys), s);
  }
  return sortedMap(groups, 'map[string][]*dependency.HealthService', () => []);
}

/** The catalog and grouping function set over `ctx`. */
export function serviceFuncs(ctx: FunctionContext): FuncMap {
  return {
    service: goFunc([], (...args: string[]) => service(ctx, args), 'string'),
    services: goFunc([], (...args: string[]) => services(ctx, args), 'string'),
    node: goFunc([], (...args: string[]) => node(ctx, args), 'string'),
    nodes: goFunc([], (...args: string[]) => nodes(ctx, args), 'string'),
    datacenters: goFunc([], (...ignore: boolean[]) => datacenters(ctx, ignore), 'bool'),
    byTag: goFunc(['any'], byTag),
    byPort: goFunc(['any'], byPort),
    byKey: goFunc(['any'], (pairs: GoStruct[]) => byKey(pairs)),
    byMeta: goFunc(['string', 'any'], (meta: string, list: GoStruct[]) => byMeta(meta, list)),
  };
}
