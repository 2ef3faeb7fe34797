import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { CtmplError, messageOf } from '../errors.js';
import type { Dialect, Flavor } from '../types/template.js';
import { parseMode, resolveId } from './permissions.js';
import { cleanPath } from '../template/functions/go-path.js';
import { dialectOf, joinKeyPath, type Resource } from './resource.js';
import { lineOfKey, readTomlFile } from './toml.js';
import { parseDuration, parseWait } from './wait.js';

const knownKeys = new Set([
  'src', 'dest', 'keys', 'prefix', 'mode', 'uid', 'gid', 'owner', 'group', 'check_cmd', 'reload_cmd',
  'dialect', 'flavor', 'wait', 'left_delimiter', 'right_delimiter', 'command_timeout', 'backup',
]);

export interface ResourceDefaults {
  readonly confdir: string;
  readonly prefix: string;
  readonly flavor?: Flavor;
  readonly cwd: string;
}

/**
 * Loads every `*.toml` under `<confdir>/conf.d` (recursively, in lexical order). Any bad file
 * fails the whole load, so a run processes nothing rather than a part; `onError` (for `check`)
 * collects the failure and goes on with the next file instead.
 */
export async function loadConfdResources(defaults: ResourceDefaults, onError?: (error: unknown) => void): Promise<Resource[]> {
  const dir = join(defaults.confdir, 'conf.d');
  const files = await listTomlFiles(dir);
  const resources: Resource[] = [];
  for (const file of files) {
    try {
      resources.push(await loadResourceFile(file, defaults));
    } catch (error) {
      if (!onError) throw error;
      onError(error);
    }
  }
  return resources;
}

async function listTomlFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CtmplError('CONFIG', `${dir}: cannot read: ${messageOf(error)}`, { cause: error });
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.toml'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/**
 * The resource's key prefix. Without a global -prefix it is the resource's `prefix` as confd
 * keeps it: not cleaned, "/" put in front when missing. confd strips this very text from the
 * front of every key it reads (strings.TrimPrefix), so "/kv//app" strips nothing from
 * "/kv/app/x" and "/kv/ap" leaves "/p/x"; its keys are path.Join(prefix, key), cleaned.
 */
function resourcePrefix(globalPrefix: string, prefix: string): string {
  if (globalPrefix !== '' && globalPrefix !== '/') return joinKeyPath(globalPrefix, prefix);
  return prefix.startsWith('/') ? prefix : `/${prefix}`;
}

/** Parses one conf.d file's `[template]` table into a Resource. */
export async function loadResourceFile(file: string, defaults: ResourceDefaults): Promise<Resource> {
  const { data, text } = await readTomlFile(file);
  const shown = relative(defaults.cwd, file) || file;
  const at = (key: string) => {
    const line = lineOfKey(text, key);
    return line ? `${shown}:${line}` : shown;
  };
  const table = data.template;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new CtmplError('CONFIG', `${shown}: missing [template] table`);
  }
  const t = table as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!knownKeys.has(key)) throw new CtmplError('CONFIG', `${at(key)}: unknown key "${key}" in [template]`);
  }
  const src = requireString(t, 'src', at, shown);
  const dest = requireString(t, 'dest', at, shown);
  const prefix = resourcePrefix(defaults.prefix, optionalString(t, 'prefix', at) ?? '');
  const keys = optionalKeys(t, at)?.map((key) => cleanPath(`${prefix}/${key}`));
  return {
    origin: shown,
    src: resolve(defaults.confdir, 'templates', src),
    templateDir: resolve(defaults.confdir, 'templates'),
    dest: resolve(defaults.cwd, dest),
    ...(keys ? { keys } : {}),
    prefix,
    ...(t.mode !== undefined ? { mode: parseMode(t.mode, at('mode')) } : {}),
    ...ownership(t, at),
    ...optionalEntry('checkCmd', optionalString(t, 'check_cmd', at)),
    ...optionalEntry('reloadCmd', optionalString(t, 'reload_cmd', at)),
    dialect: (optionalChoice(t, 'dialect', ['go', 'handlebars'], at) as Dialect | undefined) ?? dialectOf(src),
    flavor: (optionalChoice(t, 'flavor', ['confd', 'consul-template'], at) as Flavor | undefined) ?? defaults.flavor ?? 'confd',
    ...optionalEntry('leftDelim', optionalString(t, 'left_delimiter', at)),
    ...optionalEntry('rightDelim', optionalString(t, 'right_delimiter', at)),
    ...(typeof t.wait === 'string' ? { wait: parseWaitAt(t.wait, at('wait')) } : {}),
    ...(t.command_timeout !== undefined ? { commandTimeoutMs: parseTimeoutAt(t.command_timeout, at('command_timeout')) } : {}),
    errorOnMissingKey: false,
    backup: t.backup === true,
  };
}

function parseWaitAt(text: string, where: string) {
  try {
    return parseWait(text);
  } catch (error) {
    throw new CtmplError('CONFIG', `${where}: ${messageOf(error)}`);
  }
}

/** `command_timeout = "30s"` (or a number of seconds): the check and reload timeout of this resource. */
function parseTimeoutAt(value: unknown, where: string): number {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? durationOrNaN(value) : NaN;
  if (!(ms > 0)) throw new CtmplError('CONFIG', `${where}: "command_timeout" must be a duration greater than 0, e.g. "30s", not ${JSON.stringify(value)}`);
  return ms;
}

function durationOrNaN(text: string): number {
  try {
    return parseDuration(text, 'command_timeout');
  } catch {
    return NaN;
  }
}

function ownership(t: Record<string, unknown>, at: (key: string) => string): { uid?: number; gid?: number } {
  const user = t.owner ?? t.uid;
  const group = t.group ?? t.gid;
  return {
    ...(user !== undefined ? { uid: resolveId('user', user, at(t.owner !== undefined ? 'owner' : 'uid')) } : {}),
    ...(group !== undefined ? { gid: resolveId('group', group, at(t.group !== undefined ? 'group' : 'gid')) } : {}),
  };
}

function optionalEntry<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function requireString(t: Record<string, unknown>, key: string, at: (key: string) => string, shown: string): string {
  const value = t[key];
  if (value === undefined || value === '') throw new CtmplError('CONFIG', `${shown}: [template] needs "${key}"`);
  if (typeof value !== 'string') throw new CtmplError('CONFIG', `${at(key)}: "${key}" must be a string`);
  return value;
}

function optionalString(t: Record<string, unknown>, key: string, at: (key: string) => string): string | undefined {
  const value = t[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CtmplError('CONFIG', `${at(key)}: "${key}" must be a string`);
  return value;
}

function optionalChoice(t: Record<string, unknown>, key: string, choices: string[], at: (key: string) => string): string | undefined {
  const value = optionalString(t, key, at);
  if (value !== undefined && !choices.includes(value)) {
    throw new CtmplError('CONFIG', `${at(key)}: "${key}" must be one of ${choices.join(', ')}, not "${value}"`);
  }
  return value;
}

function optionalKeys(t: Record<string, unknown>, at: (key: string) => string): string[] | undefined {
  const value = t.keys;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((key) => typeof key !== 'string')) {
    throw new CtmplError('CONFIG', `${at('keys')}: "keys" must be an array of strings`);
  }
  return value as string[];
}
