import type { FuncMap } from '../go/values.js';
import { consulContains } from './collections.js';
import type { Flavor } from '../../types/template.js';
import { confdBase64Funcs, consulBase64Funcs } from './encoding.js';
import { confdMathFuncs, consulMathFuncs } from './math.js';
import { confdStringFuncs, consulStringFuncs } from './strings.js';

/**
 * The names confd and consul-template both define, with different meanings. DESIGN.md's five
 * disputed names (`ls split join contains trimSuffix`) change what they do, and so do three the
 * confd fork (abtreece/confd 0.41) added: `trimPrefix s prefix` and `regexReplaceAll re s repl`
 * (consul-template: `trimPrefix prefix s`, `regexReplaceAll re repl s`), `indent` padding blank
 * lines; `add` changes its signature (confd `func(a, b int) int`, consul-template reflect-based
 * with the piped value as left operand); `parseBool` and `base64Decode` differ only in edge
 * cases and error texts. Everything else is the same in both flavors, and present in both.
 */
export const SHARED_NAMES = [
  'ls', 'split', 'join', 'contains', 'trimSuffix', 'trimPrefix', 'regexReplaceAll', 'indent',
  'add', 'parseBool', 'base64Encode', 'base64Decode',
] as const;

function pick(funcs: FuncMap, names: readonly string[]): FuncMap {
  return Object.fromEntries(names.filter((name) => funcs[name]).map((name) => [name, funcs[name]!]));
}

/**
 * The shared names that need no render context (all but `ls`), in `flavor`'s meaning. `ls`
 * reads data, so createFuncMap picks it from the flavor's KV family for each render.
 */
export function staticFlavorFuncs(flavor: Flavor): FuncMap {
  const all =
    flavor === 'confd'
      ? { ...confdStringFuncs(), ...confdMathFuncs(), ...confdBase64Funcs() }
      : { ...consulStringFuncs(), ...consulMathFuncs(), ...consulBase64Funcs(), contains: consulContains };
  return pick(all, SHARED_NAMES);
}
