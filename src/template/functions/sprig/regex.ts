import { canBackquote, quote } from '../../go/strconv.js';
import { goFunc, goSlice, nilSlice, type FuncMap } from '../../go/values.js';
import { compileGoRegexp, type GoRegexp } from '../regexp.js';

/**
 * sprig's regex.go on Go's regexp. The plain functions compile with MustCompile, whose panic
 * names the pattern; the must* ones return Compile's error; regexMatch ignores it.
 */

function mustCompile(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern);
  } catch (error) {
    const shown = canBackquote(pattern) ? `\`${pattern}\`` : quote(pattern);
    throw new Error(`regexp: Compile(${shown}): ${(error as Error).message}`);
  }
}

/** FindAllString: nil (printed `[]`, JSON null) when nothing matches. */
function findAll(re: GoRegexp, s: string, n: number): string[] {
  const matches = re.findAllIndex(s, n);
  return matches.length === 0 ? nilSlice('[]string') as string[] : goSlice('[]string', matches.map(([a, b]) => s.slice(a, b)));
}

function findFirst(re: GoRegexp, s: string): string {
  const [match] = re.findAllIndex(s, 1);
  return match ? s.slice(match[0], match[1]) : '';
}

function replaceLiteral(re: GoRegexp, s: string, repl: string): string {
  let out = '';
  let last = 0;
  for (const [start, end] of re.findAllIndex(s, -1)) {
    out += s.slice(last, start) + repl;
    last = end!;
  }
  return out + s.slice(last);
}

/** Regexp.Split. */
function split(re: GoRegexp, pattern: string, s: string, n: number): string[] {
  if (n === 0) return nilSlice('[]string') as string[];
  if (pattern.length > 0 && s.length === 0) return goSlice('[]string', ['']);
  const parts: string[] = [];
  let begin = 0;
  let end = 0;
  for (const [start, stop] of re.findAllIndex(s, n)) {
    if (n > 0 && parts.length === n - 1) break;
    end = start!;
    if (stop !== 0) parts.push(s.slice(begin, end));
    begin = stop!;
  }
  if (end !== s.length) parts.push(s.slice(begin));
  return goSlice('[]string', parts);
}

/** regexp.QuoteMeta. */
const quoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

function regexMatch(pattern: string, s: string): boolean {
  try {
    return compileGoRegexp(pattern).matchString(s);
  } catch {
    return false;
  }
}

export function regexFuncs(): FuncMap {
  const ss = ['string', 'string'] as const;
  const ssi = ['string', 'string', 'int'] as const;
  const sss = ['string', 'string', 'string'] as const;
  return {
    regexMatch: goFunc(ss, regexMatch),
    mustRegexMatch: goFunc(ss, (p: string, s: string) => compileGoRegexp(p).matchString(s)),
    regexFindAll: goFunc(ssi, (p: string, s: string, n: number) => findAll(mustCompile(p), s, n)),
    mustRegexFindAll: goFunc(ssi, (p: string, s: string, n: number) => findAll(compileGoRegexp(p), s, n)),
    regexFind: goFunc(ss, (p: string, s: string) => findFirst(mustCompile(p), s)),
    mustRegexFind: goFunc(ss, (p: string, s: string) => findFirst(compileGoRegexp(p), s)),
    regexReplaceAll: goFunc(sss, (p: string, s: string, repl: string) => mustCompile(p).replaceAllString(s, repl)),
    mustRegexReplaceAll: goFunc(sss, (p: string, s: string, repl: string) => compileGoRegexp(p).replaceAllString(s, repl)),
    regexReplaceAllLiteral: goFunc(sss, (p: string, s: string, repl: string) => replaceLiteral(mustCompile(p), s, repl)),
    mustRegexReplaceAllLiteral: goFunc(sss, (p: string, s: string, repl: string) => replaceLiteral(compileGoRegexp(p), s, repl)),
    regexSplit: goFunc(ssi, (p: string, s: string, n: number) => split(mustCompile(p), p, s, n)),
    mustRegexSplit: goFunc(ssi, (p: string, s: string, n: number) => split(compileGoRegexp(p), p, s, n)),
    regexQuoteMeta: goFunc(['string'], quoteMeta),
  };
}
