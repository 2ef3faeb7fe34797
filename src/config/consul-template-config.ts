import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { CtmplError, messageOf } from '../errors.js';
import type { DedupBlock } from './dedup.js';
import { parseHcl, type HclValue, type Position } from './hcl.js';
import { EXEC_ENV_REFUSAL } from './template-block.js';
import { vaultTableToFlags } from './vault.js';

/**
 * consul-template's config files (`-config FILE|DIR`, HCL or JSON) read into ctmpl's terms:
 * settings under the name of the flag they set (the vault {} block's too), and template blocks.
 */
export interface ConsulTemplateConfig {
  /** Flag name → value, e.g. { 'consul-addr': '127.0.0.1:8500', wait: '2s:10s' }. */
  readonly values: Readonly<Record<string, unknown>>;
  /** template {} blocks with consul-template's keys; `where` is `file:line` for messages. */
  readonly templates: readonly { readonly block: Readonly<Record<string, unknown>>; readonly where: string }[];
  readonly killSignal?: string;
  readonly reloadSignal?: string;
  /** The deduplicate {} block (fleet mode), keys as written. */
  readonly deduplicate?: DedupBlock;
  /** default_delimiters {}: the delimiters of every template that names none (-template ones too). */
  readonly defaultDelimiters?: { readonly left?: string; readonly right?: string };
  /** Settings accepted but without effect in ctmpl (syslog…), to warn about once. */
  readonly notes: readonly string[];
}

type Leaf = 'leaf' | 'wait';
/** A key consul-template accepts that ctmpl refuses, with why; the message names it and its place. */
interface Refused {
  readonly refused: string;
}
interface Schema {
  readonly [key: string]: Leaf | Refused | Schema;
}

const ssl: Schema = { enabled: 'leaf', verify: 'leaf', cert: 'leaf', key: 'leaf', ca_cert: 'leaf', ca_path: 'leaf', server_name: 'leaf' };
const retry: Schema = { enabled: 'leaf', attempts: 'leaf', backoff: 'leaf', max_backoff: 'leaf' };
const transport: Schema = {
  dial_keep_alive: 'leaf', dial_timeout: 'leaf', disable_keep_alives: 'leaf', idle_conn_timeout: 'leaf',
  max_idle_conns: 'leaf', max_idle_conns_per_host: 'leaf', tls_handshake_timeout: 'leaf',
};
const waitBlock: Schema = { min: 'leaf', max: 'leaf', enabled: 'leaf' };

/**
 * A template's exec {} (consul-template 0.28): `command` and `timeout` replace the block's
 * `command` and `command_timeout`. consul-template starts a template's command and waits for it,
 * so `enabled`, the signals, `kill_timeout` and `splay` have no effect there either.
 */
const templateExecSchema: Schema = {
  command: 'leaf', timeout: 'leaf', enabled: 'leaf', reload_signal: 'leaf', kill_signal: 'leaf', kill_timeout: 'leaf', splay: 'leaf',
  env: { refused: EXEC_ENV_REFUSAL },
};

/** The template {} keys of current consul-template (0.42, config/template.go); anything else is an error. */
const templateSchema: Schema = {
  source: 'leaf', destination: 'leaf', contents: 'leaf', command: 'leaf', command_timeout: 'leaf', perms: 'leaf',
  backup: 'leaf', wait: 'wait', left_delimiter: 'leaf', right_delimiter: 'leaf', error_on_missing_key: 'leaf',
  create_dest_dirs: 'leaf', error_fatal: 'leaf', exec: templateExecSchema, user: 'leaf', uid: 'leaf', group: 'leaf', gid: 'leaf',
  function_denylist: 'leaf', function_blacklist: 'leaf', sandbox_path: 'leaf',
};
const rootSchema: Schema = {
  consul: { address: 'leaf', token: 'leaf', auth: { enabled: 'leaf', username: 'leaf', password: 'leaf' }, ssl, retry, transport },
  vault: { address: 'leaf', token: 'leaf', renew_token: 'leaf', unwrap_token: 'leaf', grace: 'leaf', ssl, retry, transport },
  template: templateSchema,
  template_error_fatal: 'leaf',
  default_delimiters: { left: 'leaf', right: 'leaf' },
  wait: 'wait',
  max_stale: 'leaf',
  log_level: 'leaf',
  pid_file: 'leaf',
  kill_signal: 'leaf',
  reload_signal: 'leaf',
  exec: {
    command: 'leaf', enabled: 'leaf', reload_signal: 'leaf', kill_signal: 'leaf', kill_timeout: 'leaf', splay: 'leaf',
    env: { pristine: 'leaf', custom: 'leaf', whitelist: 'leaf', blacklist: 'leaf' },
  },
  syslog: { enabled: 'leaf', facility: 'leaf' },
  deduplicate: { enabled: 'leaf', prefix: 'leaf', ttl: 'leaf', TTL: 'leaf', max_stale: 'leaf', block_query_wait: 'leaf' },
};

type Decoded = { [key: string]: unknown };
interface Block {
  readonly data: Decoded;
  readonly pos: Position;
}

/**
 * Reads every `-config` path in order (a directory: its files in lexical order); later files
 * win over earlier ones, template blocks add up. Throws CtmplError('CONFIG') naming file:line:col.
 */
export async function readConsulTemplateConfigs(paths: readonly string[], cwd: string): Promise<ConsulTemplateConfig> {
  let merged: ConsulTemplateConfig = { values: {}, templates: [], notes: [] };
  let templateErrorFatal: unknown;
  for (const path of paths) {
    for (const file of await listConfigFiles(resolve(cwd, path))) {
      const shown = relative(cwd, file) || file;
      const root = decodeObject(parseHcl(await readConfigText(file, shown), shown), rootSchema, shown, '', true);
      templateErrorFatal = root.template_error_fatal ?? templateErrorFatal;
      merged = mergeConfigs(merged, toConsulTemplateConfig(root, shown));
    }
  }
  // As in consul-template: the top-level defaults, from any file, for blocks that do not say.
  const { left, right } = merged.defaultDelimiters ?? {};
  const defaults = {
    ...pick('error_fatal', templateErrorFatal),
    ...pick('left_delimiter', left || undefined),
    ...pick('right_delimiter', right || undefined),
  };
  const templates = merged.templates.map(({ block, where }) => ({ block: { ...defaults, ...withoutEmpty(block) }, where }));
  return { ...merged, templates };
}

/** consul-template treats an empty delimiter as unset. */
function withoutEmpty(block: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return Object.fromEntries(Object.entries(block).filter(([key, value]) => !(key.endsWith('_delimiter') && value === '')));
}

async function listConfigFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new CtmplError('CONFIG', `-config ${path}: ${messageOf(error)}`, { cause: error });
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(path, entry.name)).sort();
}

async function readConfigText(file: string, shown: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CtmplError('CONFIG', `${shown}: cannot read: ${messageOf(error)}`, { cause: error });
  }
}

function mergeConfigs(base: ConsulTemplateConfig, next: ConsulTemplateConfig): ConsulTemplateConfig {
  return {
    values: { ...base.values, ...next.values },
    templates: [...base.templates, ...next.templates],
    ...pick('killSignal', next.killSignal ?? base.killSignal),
    ...pick('reloadSignal', next.reloadSignal ?? base.reloadSignal),
    ...(base.deduplicate || next.deduplicate ? { deduplicate: { ...base.deduplicate, ...next.deduplicate } } : {}),
    ...(base.defaultDelimiters || next.defaultDelimiters ? { defaultDelimiters: { ...base.defaultDelimiters, ...next.defaultDelimiters } } : {}),
    notes: [...base.notes, ...next.notes],
  };
}

/**
 * Decodes an object against its schema. Blocks become nested objects (repeated ones merge,
 * except at the root's `template`, which collects a list); unknown keys are errors.
 */
function decodeObject(value: HclValue, schema: Schema, file: string, path: string, isRoot = false): Decoded {
  if (value.kind !== 'object') throw positioned(file, value.pos, `${path || 'config'} must be a block`);
  const out: Decoded = {};
  for (const item of value.items) {
    const [key, ...labels] = item.keys;
    const name = key!.name;
    const where = path ? `${path}.${name}` : name;
    const rule = schema[name];
    if (rule === undefined) throw positioned(file, key!.pos, `unknown key "${name}"${path ? ` in ${path}` : ''}`);
    if (isRefused(rule)) throw positioned(file, key!.pos, `${where}: ${rule.refused}`);
    if (labels.length > 0) throw positioned(file, labels[0]!.pos, `${where}: unexpected label "${labels[0]!.name}"`);
    if (rule === 'leaf') out[name] = plainValue(item.value);
    else if (rule === 'wait') out[name] = waitValue(item.value, file, where);
    else if (isRoot && name === 'template') {
      const blocks = item.value.kind === 'list' ? item.value.values : [item.value];
      const list = (out[name] as Block[] | undefined) ?? [];
      for (const block of blocks) list.push({ data: decodeObject(block, rule, file, where), pos: block.pos });
      out[name] = list;
    } else {
      const blocks = item.value.kind === 'list' ? item.value.values : [item.value];
      for (const block of blocks) out[name] = { ...(out[name] as Decoded | undefined), ...decodeObject(block, rule, file, where) };
    }
  }
  return out;
}

function isRefused(rule: Leaf | Refused | Schema): rule is Refused {
  return typeof rule === 'object' && typeof rule.refused === 'string';
}

function plainValue(value: HclValue): unknown {
  if (value.kind === 'literal') return value.value;
  if (value.kind === 'list') return value.values.map(plainValue);
  return Object.fromEntries(value.items.map((item) => [item.keys.map((k) => k.name).join('.'), plainValue(item.value)]));
}

/** consul-template's wait: "5s", "5s:10s", or a block { min = "5s" max = "10s" }. */
function waitValue(value: HclValue, file: string, where: string): string | undefined {
  if (value.kind === 'literal' && typeof value.value === 'string') return value.value;
  if (value.kind === 'object') {
    const block = decodeObject(value, waitBlock, file, where);
    if (block.enabled === false || block.min === undefined) return undefined;
    return block.max === undefined ? String(block.min) : `${String(block.min)}:${String(block.max)}`;
  }
  throw positioned(file, value.pos, `${where} must be a duration such as "5s:10s" or a block`);
}

function positioned(file: string, pos: Position, message: string): CtmplError {
  return new CtmplError('CONFIG', `${file}:${pos.line}:${pos.col}: ${message}`);
}

function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Maps decoded consul-template settings onto ctmpl's flag names. */
function toConsulTemplateConfig(root: Decoded, file: string): ConsulTemplateConfig {
  const consul = (root.consul ?? {}) as Decoded;
  const exec = root.exec as Decoded | undefined;
  const vault = (root.vault ?? {}) as Decoded;
  const notes: string[] = [];
  if (root.syslog && (root.syslog as Decoded).enabled === true) notes.push(`${file}: syslog is not supported; logging to stderr`);
  const values: Decoded = {
    ...consulValues(consul),
    ...pick('wait', root.wait),
    ...pick('max-stale', root.max_stale),
    ...pick('log-level', logLevelOf(root.log_level)),
    ...pick('pid-file', root.pid_file),
    ...(exec && exec.enabled !== false ? execValues(exec) : {}),
    ...vaultTableToFlags(vaultSettings(vault), file),
  };
  const templates = ((root.template ?? []) as Block[]).map(({ data, pos }) => ({ block: templateBlock(data), where: `${file}:${pos.line}` }));
  return {
    values,
    templates,
    ...pick('killSignal', root.kill_signal as string | undefined),
    ...pick('reloadSignal', root.reload_signal as string | undefined),
    ...pick('deduplicate', root.deduplicate as DedupBlock | undefined),
    ...pick('defaultDelimiters', root.default_delimiters as ConsulTemplateConfig['defaultDelimiters']),
    notes,
  };
}

/** The vault {} keys ctmpl's Vault client uses; `grace` and `transport` are accepted and have no effect. */
function vaultSettings(vault: Decoded): Decoded {
  const { grace: _grace, transport: _transport, ...used } = vault;
  return used;
}

function consulValues(consul: Decoded): Decoded {
  const auth = (consul.auth ?? {}) as Decoded;
  const tls = (consul.ssl ?? {}) as Decoded;
  const retrying = (consul.retry ?? {}) as Decoded;
  const address = consul.address as string | undefined;
  const secure = tls.enabled === true && address !== undefined && !address.includes('://');
  return {
    ...pick('consul-addr', secure ? `https://${address}` : address),
    ...pick('consul-token', consul.token),
    ...(auth.enabled !== false ? { ...pick('username', auth.username), ...pick('password', auth.password) } : {}),
    ...(tls.enabled === true
      ? {
          ...(tls.verify === false ? { 'tls-skip-verify': true } : {}),
          ...pick('client-cert', tls.cert),
          ...pick('client-key', tls.key),
          ...pick('client-ca-keys', tls.ca_cert),
          ...pick('tls-server-name', tls.server_name),
        }
      : {}),
    // consul-template counts retries after the first attempt; 0 attempts means forever.
    ...(retrying.enabled === false ? { 'retry-max': 1 } : typeof retrying.attempts === 'number' && retrying.attempts > 0 ? { 'retry-max': retrying.attempts + 1 } : {}),
  };
}

function execValues(exec: Decoded): Decoded {
  return {
    ...pick('exec', exec.command),
    ...pick('exec-reload-signal', exec.reload_signal),
    ...pick('exec-kill-signal', exec.kill_signal),
    ...pick('exec-kill-timeout', exec.kill_timeout),
    ...pick('exec-splay', exec.splay),
  };
}

/** consul-template's levels are trace, debug, info, warn and err. */
function logLevelOf(level: unknown): unknown {
  if (typeof level !== 'string') return level;
  const lower = level.toLowerCase();
  return ({ trace: 'debug', err: 'error', warning: 'warn' } as Record<string, string>)[lower] ?? lower;
}

function templateBlock(data: Decoded): Decoded {
  const block: Decoded = { ...data };
  if (block.wait === undefined) delete block.wait;
  return block;
}
