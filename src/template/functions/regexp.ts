import { createRequire } from 'node:module';

/**
 * Go's regexp for templates, on re2js (a port of RE2, Go's own engine): Go's syntax (`(?P<name>…)`,
 * `(?U)`, `\A`, `\z`, `\Q…\E`, POSIX classes), Go's error messages (`error parsing regexp: missing
 * closing ): ...`), and time linear in the input, so `^(a+)+$` on a long line cannot stall a render.
 */
export interface GoRegexp {
  /** Go's MatchString. */
  matchString(s: string): boolean;
  /** Go's FindString: the leftmost match, "" when none. */
  findString(s: string): string;
  /** Go's ReplaceAllString: `$1`, `${name}` and `$$` in `template` expand per match. */
  replaceAllString(s: string, template: string): string;
  /** Go's FindAllStringIndex: [start, end] of up to n matches (all when n < 0). */
  findAllIndex(s: string, n: number): number[][];
}

type Re2js = typeof import('re2js');
interface Re2Engine {
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
}

// Loaded on first use: re2js costs ~90 ms to load, and most templates use no regexp.
let re2js: Re2js | undefined;
const loadRe2js = (): Re2js => (re2js ??= createRequire(import.meta.url)('re2js') as Re2js);

/** Compiled patterns by source: a template re-renders with the same patterns on every change. */
const cache = new Map<string, GoRegexp>();
const cacheLimit = 256;

/** Compiles a Go regexp; throws Go's "error parsing regexp: …" for a bad pattern. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const compiled = compileUncached(pattern);
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

function compileUncached(pattern: string): GoRegexp {
  const { RE2JS } = loadRe2js();
  let re: ReturnType<Re2js['RE2JS']['compile']>;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.startsWith('error parsing regexp') ? message : `error parsing regexp: ${message}`);
  }
  const engine = re.re2() as unknown as Re2Engine;
  const names = re.namedGroups();
  return {
    matchString: (s) => re.test(s),
    findString(s) {
      const [start, end] = engine.findAllSubmatchIndex(s, 1)?.[0] ?? [];
      return start === undefined || end === undefined ? '' : s.slice(start, end);
    },
    findAllIndex: (s, n) => (engine.findAllSubmatchIndex(s, n) ?? []).map((indexes) => indexes.slice(0, 2)),
    replaceAllString(s, template) {
      let out = '';
      let last = 0;
      for (const indexes of engine.findAllSubmatchIndex(s, -1) ?? []) {
        out += s.slice(last, indexes[0]) + expandGoTemplate(template, s, indexes, names);
        last = indexes[1]!;
      }
      return out + s.slice(last);
    },
  };
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown or unmatched group is "". */
export function expandGoTemplate(template: string, s: string, indexes: readonly number[], names: Readonly<Record<string, number>>): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, _all: string, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const group = /^[0-9]+$/.test(name) ? Number(name) : names[name];
    if (group === undefined) return '';
    const [start, end] = [indexes[2 * group], indexes[2 * group + 1]];
    return start === undefined || start < 0 || end === undefined ? '' : s.slice(start, end);
  });
}
