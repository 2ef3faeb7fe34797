import { normalizeKvPath } from '../../types/dependency.js';

/**
 * confd's mapping between KV paths and Redis keys. With the default separator "/" the key is the
 * path ("/app/port"); with another one the leading slash goes and "/" becomes the separator
 * ("app:port"). A hash "/app/db" with field "host" is the path "/app/db/host".
 */
export class KeyMapping {
  readonly separator: string;

  constructor(separator = '/') {
    this.separator = separator || '/';
  }

  /** The Redis key of a normalised path; the root is "/" (or "" with another separator). */
  toKey(path: string): string {
    const normal = normalizeKvPath(path);
    if (this.separator === '/') return normal;
    return normal.slice(1).split('/').join(this.separator);
  }

  /** The path of a Redis key, with a leading slash. */
  toPath(key: string): string {
    const slashed = this.separator === '/' ? key : key.split(this.separator).join('/');
    return slashed.startsWith('/') ? slashed : `/${slashed}`;
  }

  /** The SCAN pattern of every key under a path: "/app/*" ("app:*"), "/*" or "*" for the root. */
  childPattern(path: string): string {
    return `${escapeGlob(this.childBase(path))}*`;
  }

  /** The key prefix shared by every key under a path. */
  childBase(path: string): string {
    const key = this.toKey(path);
    if (normalizeKvPath(path) === '/') return key;
    return `${key}${this.separator}`;
  }
}

/** The parent path and last segment ("/app/db/host" → ["/app/db", "host"]), or null for a top-level path. */
export function splitParent(path: string): readonly [string, string] | null {
  const normal = normalizeKvPath(path);
  const at = normal.lastIndexOf('/');
  if (at <= 0) return null;
  return [normal.slice(0, at), normal.slice(at + 1)];
}

/** Escapes Redis glob characters so a key matches only itself in MATCH and PSUBSCRIBE. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Drops every prefix that another one in the list already covers (CLIENT TRACKING refuses overlaps). */
export function minimalPrefixes(prefixes: readonly string[]): string[] {
  const sorted = [...new Set(prefixes)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const prefix of sorted) if (!kept.some((shorter) => prefix.startsWith(shorter))) kept.push(prefix);
  return kept;
}
