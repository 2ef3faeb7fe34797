/**
 * Go's `path` package (slash-separated paths), ported where template functions depend on its
 * exact behaviour: confd's `base`/`dir`, memkv's key handling and `path.Match` globs.
 */

/** Go's path.ErrBadPattern text. */
export const BAD_PATTERN = 'syntax error in pattern';

/** Go's path.Clean: shortest equivalent path ("" → ".", "/a/../b/" → "/b"). */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  if (isCleanRooted(path)) return path;
  const isRooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!isRooted) out.push('..');
  }
  const joined = out.join('/');
  if (isRooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * True for a rooted path Clean would return unchanged: memkv keys nearly always are, and a render
 * of 10 000 keys cleans each one, so this check saves splitting and joining every key.
 */
function isCleanRooted(path: string): boolean {
  if (path === '/') return true;
  return path.startsWith('/') && !path.endsWith('/') && !path.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(path);
}

/** Go's path.Base: last element, trailing slashes removed ("" → ".", "/" → "/"). */
export function basePath(path: string): string {
  if (path === '') return '.';
  if (!path.endsWith('/')) return path.slice(path.lastIndexOf('/') + 1);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's path.Dir: everything but the last element, cleaned. */
export function dirPath(path: string): string {
  return cleanPath(path.slice(0, path.lastIndexOf('/') + 1));
}

/** Go's path.Join: joins the non-empty elements with "/" and cleans the result. */
export function joinPath(...parts: string[]): string {
  const nonEmpty = parts.filter((part) => part !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}

interface Chunk {
  readonly star: boolean;
  readonly chunk: string[];
  readonly rest: string[];
}

function scanChunk(pattern: string[]): Chunk {
  let start = 0;
  while (start < pattern.length && pattern[start] === '*') start++;
  const star = start > 0;
  let isInRange = false;
  let i = start;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 < pattern.length) i++;
    } else if (c === '[') isInRange = true;
    else if (c === ']') isInRange = false;
    else if (c === '*' && !isInRange) break;
  }
  return { star, chunk: pattern.slice(start, i), rest: pattern.slice(i) };
}

/** Reads one (possibly escaped) class character; throws BAD_PATTERN like Go's getEsc. */
function readClassChar(chunk: string[], pos: number): [string, number] {
  if (pos >= chunk.length || chunk[pos] === '-' || chunk[pos] === ']') throw new Error(BAD_PATTERN);
  if (chunk[pos] === '\\') {
    pos++;
    if (pos >= chunk.length) throw new Error(BAD_PATTERN);
  }
  const c = chunk[pos]!;
  if (pos + 1 >= chunk.length) throw new Error(BAD_PATTERN);
  return [c, pos + 1];
}

/** Matches one character class at chunk[pos] ('['); returns [matched, next pos]. */
function matchClass(chunk: string[], pos: number, r: string | undefined): [boolean, number] {
  pos++;
  let isNegated = false;
  if (pos < chunk.length && chunk[pos] === '^') {
    isNegated = true;
    pos++;
  }
  let isMatch = false;
  for (let ranges = 0; ; ranges++) {
    if (pos < chunk.length && chunk[pos] === ']' && ranges > 0) return [isMatch !== isNegated, pos + 1];
    const [lo, afterLo] = readClassChar(chunk, pos);
    let hi = lo;
    pos = afterLo;
    if (chunk[pos] === '-') [hi, pos] = readClassChar(chunk, pos + 1);
    const code = r === undefined ? -1 : r.codePointAt(0)!;
    if (lo.codePointAt(0)! <= code && code <= hi.codePointAt(0)!) isMatch = true;
  }
}

/** Go's matchChunk: returns the rest of `s` after the chunk, or null; throws on bad syntax. */
function matchChunk(chunk: string[], s: string[]): string[] | null {
  let isFailed = false;
  let si = 0;
  for (let pos = 0; pos < chunk.length; ) {
    if (!isFailed && si >= s.length) isFailed = true;
    const c = chunk[pos];
    if (c === '[') {
      const [isMatch, next] = matchClass(chunk, pos, isFailed ? undefined : s[si]);
      if (!isFailed) si++;
      if (!isMatch) isFailed = true;
      pos = next;
      continue;
    }
    if (c === '?') {
      if (!isFailed && s[si++] === '/') isFailed = true;
      pos++;
      continue;
    }
    if (c === '\\') {
      pos++;
      if (pos >= chunk.length) throw new Error(BAD_PATTERN);
    }
    if (!isFailed && chunk[pos] !== s[si++]) isFailed = true;
    pos++;
  }
  return isFailed ? null : s.slice(si);
}

function checkRestValid(pattern: string[]): void {
  while (pattern.length > 0) {
    const { chunk, rest } = scanChunk(pattern);
    matchChunk(chunk, []);
    pattern = rest;
  }
}

/**
 * Go's path.Match: `*` matches any run of non-slash characters, `?` one non-slash character,
 * `[...]` a class. Throws Error("syntax error in pattern") for a malformed pattern.
 */
export function matchPath(pattern: string, name: string): boolean {
  const simple = simpleMatcher(pattern);
  if (simple) return simple.test(name);
  let pat = Array.from(pattern);
  let rest = Array.from(name);
  outer: while (pat.length > 0) {
    const { star, chunk, rest: patRest } = scanChunk(pat);
    pat = patRest;
    if (star && chunk.length === 0) return !rest.includes('/');
    const t = matchChunk(chunk, rest);
    if (t !== null && (t.length === 0 || pat.length > 0)) {
      rest = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < rest.length && rest[i] !== '/'; i++) {
        const skipped = matchChunk(chunk, rest.slice(i + 1));
        if (skipped === null || (pat.length === 0 && skipped.length > 0)) continue;
        rest = skipped;
        continue outer;
      }
    }
    checkRestValid(pat);
    return false;
  }
  return rest.length === 0;
}

const simpleMatchers = new Map<string, RegExp | null>();

/**
 * A RegExp for a pattern of literal characters and `*` only (the usual `/app/servers/*`), where
 * path.Match can neither fail nor differ from `[^/]*`; null for anything else. `gets` matches
 * every key of the store against one pattern, and the character-array walk below allocates per key.
 */
function simpleMatcher(pattern: string): RegExp | null {
  let matcher = simpleMatchers.get(pattern);
  if (matcher !== undefined) return matcher;
  matcher = /[?[\\\]]/.test(pattern)
    ? null
    : new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]*')}$`, 's');
  if (simpleMatchers.size < 1000) simpleMatchers.set(pattern, matcher);
  return matcher;
}

/** The directory part of a glob before its first segment with a metacharacter ("/a/*\/b" → "/a"). */
export function globStaticDir(pattern: string): string {
  const segments = pattern.split('/');
  const firstMeta = segments.findIndex((segment) => /[*?[\\]/.test(segment));
  if (firstMeta === -1) return dirPath(pattern);
  const dir = segments.slice(0, firstMeta).join('/');
  return dir === '' ? '/' : dir;
}
