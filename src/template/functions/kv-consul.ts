import type { KvList } from '../../types/data.js';
import { goFunc, type FuncMap, type GoStruct } from '../go/values.js';
import type { FunctionContext } from './context.js';
import { parseKvGet, parseKvList } from './query.js';
import { toKeyPairs } from './shapes.js';

/**
 * consul-template's KV functions: `key keyExists keyOrDefault ls safeLs tree safeTree`.
 * Empty arguments return the zero value without a dependency, as consul-template does.
 */

function readKey(ctx: FunctionContext, s: string): { value: string | null | undefined; dep: ReturnType<typeof parseKvGet> } {
  const dep = parseKvGet(s);
  return { value: ctx.data.read(dep) as string | null | undefined, dep };
}

/** `key`: the value; an absent key is marked missing, so the render waits for it. */
function key(ctx: FunctionContext, s: string): string {
  if (s === '') return '';
  const { value, dep } = readKey(ctx, s);
  if (value === null) ctx.data.markMissing(dep);
  return value ?? '';
}

function keyExists(ctx: FunctionContext, s: string): boolean {
  if (s === '') return false;
  const { value } = readKey(ctx, s);
  return value !== null && value !== undefined;
}

function keyOrDefault(ctx: FunctionContext, s: string, def: string): string {
  if (s === '') return def;
  const { value } = readKey(ctx, s);
  return value === null || value === undefined || value === '' ? def : value;
}

type PairFilter = (key: string) => boolean;

/** ls: only non-empty top-level keys. */
const isTopLevel: PairFilter = (k) => k !== '' && !k.includes('/');
/** tree: every key that is not a folder ("a/b/"). */
const isLeaf: PairFilter = (k) => !k.endsWith('/') && k !== '';

function listPairs(ctx: FunctionContext, s: string, keep: PairFilter, isEmptySafe: boolean): GoStruct[] {
  if (s === '') return [];
  const dep = parseKvList(s);
  const list = ctx.data.read(dep) as KvList | undefined;
  if (list === undefined) return [];
  const result = toKeyPairs(list, dep.prefix).filter((pair) => keep(pair.Key as string));
  if (result.length === 0 && !isEmptySafe) ctx.data.markMissing(dep);
  return result;
}

/** The consul-template KV function set over `ctx`. */
export function consulKvFuncs(ctx: FunctionContext): FuncMap {
  return {
    key: goFunc(['string'], (s: string) => key(ctx, s)),
    keyExists: goFunc(['string'], (s: string) => keyExists(ctx, s)),
    keyOrDefault: goFunc(['string', 'string'], (s: string, def: string) => keyOrDefault(ctx, s, def)),
    ls: goFunc(['string'], (s: string) => listPairs(ctx, s, isTopLevel, true)),
    safeLs: goFunc(['string'], (s: string) => listPairs(ctx, s, isTopLevel, false)),
    tree: goFunc(['string'], (s: string) => listPairs(ctx, s, isLeaf, true)),
    safeTree: goFunc(['string'], (s: string) => listPairs(ctx, s, isLeaf, false)),
  };
}
