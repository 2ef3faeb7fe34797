import { CtmplError } from '../errors.js';
import { parseDuration } from './wait.js';

/**
 * The one vocabulary of flag and config-file value checks. Every message has the same shape,
 * `-FLAG "VALUE": what is wanted`, so an operator reads one line naming the flag and the value.
 * Each returns the checked value, or throws CtmplError('USAGE').
 */
export function invalidValue(flag: string, value: unknown, want: string): CtmplError {
  return new CtmplError('USAGE', `-${flag} ${JSON.stringify(typeof value === 'string' ? value : String(value))}: ${want}`);
}

/** A string, or undefined when unset. */
export function optionalString(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidValue(flag, value, 'want a string');
  return value;
}

/** A list of strings (a single string is a list of one), or [] when unset. */
export function stringList(value: unknown, flag: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const bad = list.find((item) => typeof item !== 'string');
  if (bad !== undefined) throw invalidValue(flag, bad, 'want a string or a list of strings');
  return list as string[];
}

/** One of `choices`, or `fallback` when unset. */
export function choice<T extends string>(value: unknown, flag: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T)) throw invalidValue(flag, value, `want one of ${choices.join(', ')}`);
  return value as T;
}

/** A number greater than zero (seconds, for -interval), or undefined when unset. */
export function positiveNumber(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) throw invalidValue(flag, value, 'want a number greater than 0');
  return number;
}

/** A whole number of at least 1 (a count), or undefined when unset. */
export function positiveInteger(value: unknown, flag: string): number | undefined {
  const number = positiveNumber(value, flag);
  if (number !== undefined && !Number.isInteger(number)) throw invalidValue(flag, value, 'want a whole number of at least 1');
  return number;
}

/** A duration greater than zero in ms ("10s", "1m30s"; a bare number is seconds), or `fallback` when unset. */
export function positiveDuration(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value > 0) return value * 1000;
  const ms = typeof value === 'string' && !value.trim().startsWith('-') ? durationOrNull(value) : null;
  if (ms === null || ms <= 0) throw invalidValue(flag, value, 'want a duration greater than 0, e.g. 500ms, 10s, 1m');
  return ms;
}

function durationOrNull(text: string): number | null {
  try {
    return parseDuration(text, 'duration');
  } catch {
    return null;
  }
}

/**
 * A backend address: a unix socket path, or [scheme://][user[:password]@]host[:port][/path]
 * with a non-empty host and, when a colon is written, a port from 1 to 65535. Returns it unchanged.
 */
export function nodeAddress(node: string, flag: string): string {
  if (node.startsWith('/')) return node;
  // The message may be logged: a password in the URL is never shown.
  const shown = node.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
  const withoutScheme = node.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = withoutScheme.split('/')[0]!.replace(/^.*@/, '');
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(.*))?$/.exec(authority);
  if (!match || match[1] === '' || match[1] === '[]') throw invalidValue(flag, shown, 'want host:port or a URL with a host');
  const port = match[2];
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
    throw invalidValue(flag, shown, 'the port must be a number from 1 to 65535');
  }
  return node;
}
