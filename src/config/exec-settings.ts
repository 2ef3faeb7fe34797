import { constants } from 'node:os';
import { CtmplError } from '../errors.js';
import type { ExecSettings } from './config.js';
import { parseDuration } from './wait.js';

/** consul-template's exec defaults: SIGTERM, then SIGKILL after 30 s; no reload signal means restart. */
const defaultKillTimeoutMs = 30_000;

/**
 * Builds the -exec settings from flag-named settings (`exec`, `exec-reload-signal`,
 * `exec-kill-signal`, `exec-kill-timeout`, `exec-splay`); undefined without a command.
 * Throws CtmplError('USAGE') naming the flag for an unknown signal or a bad duration.
 */
export function execSettingsOf(setting: (name: string) => unknown): ExecSettings | undefined {
  const command = setting('exec');
  if (command === undefined || command === '') return undefined;
  if (typeof command !== 'string') throw new CtmplError('USAGE', '-exec must be a command line');
  const reloadSignal = signalOf(setting('exec-reload-signal'), 'exec-reload-signal');
  return {
    command,
    ...(reloadSignal ? { reloadSignal } : {}),
    killSignal: signalOf(setting('exec-kill-signal'), 'exec-kill-signal') ?? 'SIGTERM',
    killTimeoutMs: durationOf(setting('exec-kill-timeout'), 'exec-kill-timeout') ?? defaultKillTimeoutMs,
    splayMs: durationOf(setting('exec-splay'), 'exec-splay') ?? 0,
  };
}

/** Parses "SIGHUP", "HUP" or "hup" into a signal name; "" means none. */
export function signalOf(value: unknown, name: string): NodeJS.Signals | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value).toUpperCase();
  const full = text.startsWith('SIG') ? text : `SIG${text}`;
  if (!Object.hasOwn(constants.signals, full)) throw new CtmplError('USAGE', `-${name}: unknown signal "${String(value)}"`);
  return full as NodeJS.Signals;
}

function durationOf(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value * 1000;
  return parseDuration(String(value), `-${name}`);
}
