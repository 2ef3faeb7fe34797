import { CtmplError } from '../errors.js';

/** Quiescence: render after `minMs` without changes, never later than `maxMs` after the first. */
export interface Wait {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * Parses consul-template's wait syntax: "5s", "5s:20s", "200ms:1s" (a bare number is seconds).
 * With only a minimum, the maximum is 4× the minimum, as in consul-template.
 */
export function parseWait(text: string, key = 'wait'): Wait {
  const [minText, maxText, extra] = text.split(':');
  if (extra !== undefined || !minText) throw new CtmplError('USAGE', `${key}: invalid format "${text}" (want MIN or MIN:MAX, e.g. 2s:10s)`);
  const minMs = parseDuration(minText, key);
  const maxMs = maxText === undefined ? minMs * 4 : parseDuration(maxText, key);
  if (maxMs < minMs) throw new CtmplError('USAGE', `${key}: min must be less than max`);
  return { minMs, maxMs };
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration ("250ms", "1m30s", "10") into milliseconds; a bare number is seconds. */
export function parseDuration(text: string, key: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new CtmplError('USAGE', `${key}: invalid duration "${text}" (e.g. 500ms, 10s, 1m)`);
  }
  return parts.reduce((total, p) => total + Number(p[1]) * units[p[2]!]!, 0);
}
