import { goFunc, type FuncMap } from '../go/values.js';

/**
 * consul-template's function denylist: every function whose name matches a glob (go-glob: `*`
 * matches any run of characters, nothing else is special) is replaced by one that fails when
 * called with `function is disabled`. Its signature is consul-template's `func(...string)`, so
 * non-string arguments fail Go's type check first, as they do there.
 */

/** `executeTemplate` lives in the engine, but consul-template denies it like any function. */
const ENGINE_FUNCTIONS = ['executeTemplate'];

const denied = goFunc(
  [],
  () => {
    throw new Error('function is disabled');
  },
  'string',
);

function globPattern(glob: string): RegExp {
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's');
}

export function applyDenylist(funcs: FuncMap, denylist: readonly string[]): FuncMap {
  if (denylist.length === 0) return funcs;
  const patterns = denylist.map(globPattern);
  const out: Record<string, FuncMap[string]> = { ...funcs };
  for (const name of [...Object.keys(out), ...ENGINE_FUNCTIONS]) {
    if (patterns.some((p) => p.test(name))) out[name] = denied;
  }
  return out;
}
