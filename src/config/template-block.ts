import { resolve } from 'node:path';
import { CtmplError, messageOf } from '../errors.js';
import type { Flavor } from '../types/template.js';
import { parseMode, resolveId } from './permissions.js';
import { dialectOf, type Resource } from './resource.js';
import { parseDuration, parseWait } from './wait.js';

const knownKeys = new Set([
  'source', 'destination', 'command', 'command_timeout', 'perms', 'backup', 'wait', 'left_delimiter',
  'right_delimiter', 'error_on_missing_key', 'flavor', 'check_command', 'contents', 'create_dest_dirs',
  'error_fatal', 'exec', 'user', 'uid', 'group', 'gid', 'function_denylist', 'function_blacklist', 'sandbox_path',
]);
/** A template's exec {} keys (see consul-template-config.ts for why most have no effect). */
const execKeys = new Set(['command', 'timeout', 'enabled', 'reload_signal', 'kill_signal', 'kill_timeout', 'splay']);
/** Why a template's exec.env is refused (it would change what its command sees). */
export const EXEC_ENV_REFUSAL = "per-template command environments are not supported: template commands see ctmpl's environment";

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
  const exec = execBlock(block.exec, where);
  const text = (key: string): string | undefined => {
    const value = block[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new CtmplError('CONFIG', `${where}: "${key}" must be a string`);
    return value;
  };
  const contents = text('contents');
  const destination = text('destination');
  if (contents !== undefined && block.source !== undefined) throw new CtmplError('CONFIG', `${where}: cannot specify both "source" and "contents"`);
  // An inline template (contents) is named after its destination in messages, as in consul-template.
  const source = text('source') ?? (contents !== undefined ? destination : undefined);
  if (!source) throw new CtmplError('CONFIG', `${where}: needs "source" or "contents"`);
  if (!destination) throw new CtmplError('CONFIG', `${where}: needs "destination"`);
  const flavor = text('flavor') ?? options.flavor ?? 'consul-template';
  if (flavor !== 'confd' && flavor !== 'consul-template') throw new CtmplError('CONFIG', `${where}: "flavor" must be confd or consul-template`);
  const command = commandOf(exec.command, `${where}: exec.command`) ?? commandOf(block.command, `${where}: "command"`);
  const check = text('check_command');
  const left = text('left_delimiter');
  const right = text('right_delimiter');
  const wait = text('wait');
  const timeout = exec.timeout === undefined ? text('command_timeout') : durationText(exec.timeout, `${where}: exec.timeout`);
  const sandbox = text('sandbox_path');
  // consul-template's combineLists: the deprecated name's entries follow, without repeats.
  const denylist = [...new Set([...names(block.function_denylist, `${where}: "function_denylist"`), ...names(block.function_blacklist, `${where}: "function_blacklist"`)])];
  const user = block.user ?? block.uid;
  const group = block.group ?? block.gid;
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
      ...(timeout ? { commandTimeoutMs: parseDuration(timeout, exec.timeout === undefined ? 'command_timeout' : 'exec.timeout') } : {}),
      errorOnMissingKey: block.error_on_missing_key === true,
      backup: block.backup === true,
      ...(user !== undefined ? { uid: resolveId('user', user, `${where} user`) } : {}),
      ...(group !== undefined ? { gid: resolveId('group', group, `${where} group`) } : {}),
      ...(denylist.length > 0 ? { functionDenylist: denylist } : {}),
      ...(sandbox ? { sandboxPath: resolve(options.cwd, sandbox) } : {}),
      ...(block.error_fatal === true ? { errorFatal: true } : {}),
      ...(block.create_dest_dirs === false ? { createDestDirs: false as const } : {}),
    };
  } catch (error) {
    if (error instanceof CtmplError && error.code === 'CONFIG') throw error;
    throw new CtmplError('CONFIG', `${where}: ${messageOf(error)}`, { cause: error });
  }
}

function execBlock(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CtmplError('CONFIG', `${where}: "exec" must be a block`);
  for (const key of Object.keys(value)) {
    if (key === 'env') throw new CtmplError('CONFIG', `${where}: exec.env: ${EXEC_ENV_REFUSAL}`);
    if (!execKeys.has(key)) throw new CtmplError('CONFIG', `${where}: unknown key "${key}" in exec`);
  }
  return value as Record<string, unknown>;
}

/**
 * A command as a string (run by the shell) or, since consul-template 0.28, a list: one element
 * is a shell command, several are argv run without a shell, which quoting each for the shell
 * reproduces.
 */
function commandOf(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) {
    if (value.length <= 1) return value[0];
    return value.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ');
  }
  throw new CtmplError('CONFIG', `${what} must be a string or a list of strings`);
}

function durationText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new CtmplError('CONFIG', `${what} must be a duration such as "30s"`);
  return value;
}

/** A list of function names; a string is split at commas, as consul-template's StringToSliceHookFunc does. */
function names(value: unknown, what: string): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value === 'string') return value.split(',');
  if (Array.isArray(value) && value.every((name) => typeof name === 'string')) return value;
  throw new CtmplError('CONFIG', `${what} must be a list of function names`);
}
