import type { FuncMap } from '../go/values.js';
import { consulContains } from './collections.js';
import type { Flavor, FunctionContext } from './context.js';
import { confdBase64Funcs, consulBase64Funcs } from './encoding.js';
import { confdKvFuncs } from './kv-confd.js';
import { consulKvFuncs } from './kv-consul.js';
import { confdMathFuncs, consulMathFuncs } from './math.js';
import { confdStringFuncs, consulStringFuncs } from './strings.js';

/**
 * The names confd and consul-template both define, with different meanings. DESIGN.md's five
 * disputed names (`ls split join contains trimSuffix`) change what they do; `add` changes its
 * signature (confd `func(a, b int) int`, consul-template reflect-based with the piped value as
 * left operand); `parseBool` and `base64Decode` differ only in edge cases and error texts.
 * Everything else is the same in both flavors, and present in both.
 */
export const SHARED_NAMES = ['ls', 'split', 'join', 'contains', 'trimSuffix', 'add', 'parseBool', 'base64Encode', 'base64Decode'] as const;

function pick(funcs: FuncMap, names: readonly string[]): FuncMap {
  return Object.fromEntries(names.filter((name) => funcs[name]).map((name) => [name, funcs[name]!]));
}

/** The confd meanings of the shared names. */
export function confdFlavorFuncs(ctx: FunctionContext): FuncMap {
  const all = { ...confdKvFuncs(ctx), ...confdStringFuncs(), ...confdMathFuncs(), ...confdBase64Funcs() };
  return pick(all, SHARED_NAMES);
}

/** The consul-template meanings of the shared names. */
export function consulFlavorFuncs(ctx: FunctionContext): FuncMap {
  const all = {
    ...consulKvFuncs(ctx),
    ...consulStringFuncs(),
    ...consulMathFuncs(),
    ...consulBase64Funcs(),
    contains: consulContains,
  };
  return pick(all, SHARED_NAMES);
}

/** The shared names as `flavor` defines them. */
export function flavorFuncs(flavor: Flavor, ctx: FunctionContext): FuncMap {
  return flavor === 'confd' ? confdFlavorFuncs(ctx) : consulFlavorFuncs(ctx);
}
