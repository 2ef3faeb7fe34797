import { resolve } from 'node:path';
import { CtmplError, messageOf } from '../errors.js';
import type { Flavor } from '../types/template.js';
import { parseMode } from './permissions.js';
import { dialectOf, type Resource } from './resource.js';
import { parseDuration, parseWait } from './wait.js';

const knownKeys = new Set([
  'source', 'destination', 'command', 'command_timeout', 'perms', 'backup', 'wait', 'left_delimiter',
  'right_delimiter', 'error_on_missing_key', 'flavor', 'check_command', 'contents', 'create_dest_dirs',
]);

/** Builds the Resource of one consul-template style `[[template]]` block of ctmpl.toml. */
export function templateBlockResource(
  block: Readonly<Record<string, unknown>>,
  index: number,
  options: { cwd: string; file: string; flavor?: Flavor },
): Resource {
  const where = `${options.file}: [[template]] #${index + 1}`;
  for (const key of Object.keys(block)) {
    if (!knownKeys.has(key)) throw new CtmplError('CONFIG', `${where}: unknown key "${key}"`);
  }
  const text = (key: string): string | undefined => {
    const value = block[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new CtmplError('CONFIG', `${where}: "${key}" must be a string`);
    return value;
  };
  const contents = text('contents');
  const destination = text('destination');
  // An inline template (contents) is named after its destination in messages, as in consul-template.
  const source = text('source') ?? (contents !== undefined ? destination : undefined);
  if (!source) throw new CtmplError('CONFIG', `${where}: needs "source" or "contents"`);
  if (!destination) throw new CtmplError('CONFIG', `${where}: needs "destination"`);
  const flavor = text('flavor') ?? options.flavor ?? 'consul-template';
  if (flavor !== 'confd' && flavor !== 'consul-template') throw new CtmplError('CONFIG', `${where}: "flavor" must be confd or consul-template`);
  const command = text('command');
  const check = text('check_command');
  const left = text('left_delimiter');
  const right = text('right_delimiter');
  const wait = text('wait');
  const timeout = text('command_timeout');
  try {
    return {
      origin: where,
      src: resolve(options.cwd, source),
      ...(contents !== undefined ? { contents } : {}),
      dest: resolve(options.cwd, destination),
      prefix: '/',
      ...(block.perms !== undefined ? { mode: parseMode(block.perms, `${where} perms`) } : {}),
      ...(command ? { reloadCmd: command } : {}),
      ...(check ? { checkCmd: check } : {}),
      dialect: dialectOf(source),
      flavor,
      ...(left ? { leftDelim: left } : {}),
      ...(right ? { rightDelim: right } : {}),
      ...(wait ? { wait: parseWait(wait) } : {}),
      ...(timeout ? { commandTimeoutMs: parseDuration(timeout, 'command_timeout') } : {}),
      errorOnMissingKey: block.error_on_missing_key === true,
      backup: block.backup === true,
    };
  } catch (error) {
    if (error instanceof CtmplError && error.code === 'CONFIG') throw error;
    throw new CtmplError('CONFIG', `${where}: ${messageOf(error)}`, { cause: error });
  }
}
