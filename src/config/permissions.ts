import { createRequire } from 'node:module';
import { CtmplError } from '../errors.js';

/**
 * Parses a file mode. Only octal is accepted ("0644", "0o644", or a TOML integer such as
 * 0o644): confd reads "644" as decimal 644 (= 0o1204), a surprise we refuse instead.
 */
export function parseMode(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return value;
  if (typeof value === 'string') {
    const match = /^0o?([0-7]{1,4})$/.exec(value.trim());
    if (match) return parseInt(match[1]!, 8);
    if (/^[0-7]{3,4}$/.test(value.trim())) {
      throw new CtmplError('CONFIG', `${where}: mode "${value}" must be octal with a leading zero, e.g. "0${value.trim()}"`);
    }
  }
  throw new CtmplError('CONFIG', `${where}: invalid mode ${JSON.stringify(value)} (want an octal string like "0644")`);
}

/** Resolves a user or group name (or numeric id) to its id via the system database. */
export function resolveId(kind: 'user' | 'group', value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (typeof value !== 'string' || value === '') throw new CtmplError('CONFIG', `${where}: invalid ${kind} ${JSON.stringify(value)}`);
  const database = kind === 'user' ? 'passwd' : 'group';
  try {
    const entry = loadChildProcess().execFileSync('getent', [database, value], { encoding: 'utf8' });
    const id = Number(entry.split(':')[2]);
    if (Number.isInteger(id)) return id;
  } catch {
    // unknown name: reported below
  }
  throw new CtmplError('CONFIG', `${where}: unknown ${kind} "${value}"`);
}

/** node:child_process, loaded when a name is first resolved: ~5 ms of start-up that most runs do not need. */
function loadChildProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}
