import { dirname, resolve } from 'node:path';
import { CtmplError } from '../errors.js';
import { logLevels, type LogFormat, type LogLevel } from '../log.js';
import type { Flavor } from '../template/functions/context.js';
import { backendNames, defaultConfig, type BackendName, type Config } from './config.js';
import { findConfigFile, readConfigFile, type ConfigFile } from './config-file.js';
import { loadConfdResources } from './confd-resources.js';
import type { ParsedFlags } from './flags.js';
import type { Resource } from './resource.js';
import { templateBlockResource } from './template-block.js';
import { templateSpecResource } from './template-spec.js';
import { parseDuration, parseWait } from './wait.js';
import { vaultAuthOf, vaultConfigOf } from './vault.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly resources: readonly Resource[];
  readonly configFile?: ConfigFile;
}

/**
 * Builds the run configuration: defaults, then the config file, then flags (flags win), then
 * the resources: conf.d files, [[template]] blocks and -template specs, in that order.
 */
export async function loadConfig(flags: ParsedFlags, cwd: string): Promise<LoadedConfig> {
  const confdirFlag = flags.confdir ? resolve(cwd, flags.confdir) : undefined;
  const configPath = await findConfigFile(flags['config-file'] && resolve(cwd, flags['config-file']), confdirFlag ?? defaultConfig.confdir);
  const configFile = configPath ? await readConfigFile(configPath, cwd) : undefined;
  const setting = (name: keyof ParsedFlags): unknown => flags[name] ?? configFile?.values[name];
  // Data files named in the config file are relative to it, so a confdir works from any cwd.
  const filesBase = flags.file || !configPath ? cwd : dirname(configPath);
  const config = buildConfig(setting, cwd, configPath, filesBase);
  const resources = [
    ...(await loadConfdResources({ confdir: config.confdir, prefix: config.prefix, cwd, ...flavorOf(config) })),
    ...(configFile?.templates ?? []).map((block, index) => templateBlockResource(block, index, { cwd, file: configFile!.path, ...flavorOf(config) })),
    ...config.templates.map((spec) => templateSpecResource(spec, { cwd, ...flavorOf(config) })),
  ];
  return { config, resources, ...(configFile ? { configFile } : {}) };
}

function flavorOf(config: Config): { flavor?: Flavor } {
  return config.flavor ? { flavor: config.flavor } : {};
}

function buildConfig(setting: (name: keyof ParsedFlags) => unknown, cwd: string, configFile: string | undefined, filesBase: string): Config {
  const templates = stringList(setting('template'), 'template');
  const consulAddr = optionalString(setting('consul-addr'), 'consul-addr');
  const backend = backendOf(setting('backend'), consulAddr, templates.length > 0);
  const scheme = optionalString(setting('scheme'), 'scheme');
  const nodes = consulAddr ? [consulAddr] : stringList(setting('node'), 'node').map((node) => withScheme(node, scheme));
  const interval = optionalNumber(setting('interval'), 'interval');
  const explicitWatch = setting('watch');
  const onetime = Boolean(setting('onetime') ?? setting('once'));
  const wait = optionalString(setting('wait'), 'wait');
  const flavor = optionalString(setting('flavor'), 'flavor');
  if (flavor !== undefined && flavor !== 'confd' && flavor !== 'consul-template') {
    throw new CtmplError('USAGE', `-flavor must be confd or consul-template, not "${flavor}"`);
  }
  const token = optionalString(setting('consul-token') ?? setting('auth-token'), 'auth-token');
  const config: Config = {
    ...defaultConfig,
    backend,
    nodes,
    confdir: resolve(cwd, optionalString(setting('confdir'), 'confdir') ?? defaultConfig.confdir),
    ...(configFile ? { configFile } : {}),
    onetime,
    noop: Boolean(setting('noop') ?? setting('dry')),
    watch: explicitWatch !== undefined ? Boolean(explicitWatch) : templates.length > 0 && interval === undefined,
    interval: interval ?? defaultConfig.interval,
    prefix: optionalString(setting('prefix'), 'prefix') ?? defaultConfig.prefix,
    files: stringList(setting('file'), 'file').map((file) => resolve(filesBase, file)),
    logLevel: choice(setting('log-level'), 'log-level', logLevels, defaultConfig.logLevel) as LogLevel,
    logFormat: choice(setting('log-format'), 'log-format', ['text', 'json'], defaultConfig.logFormat) as LogFormat,
    templates,
    ...(flavor ? { flavor: flavor as Flavor } : {}),
    commandTimeoutMs: durationOr(setting('command-timeout'), 'command-timeout', defaultConfig.commandTimeoutMs),
    lookupTimeoutMs: durationOr(setting('lookup-timeout'), 'lookup-timeout', defaultConfig.lookupTimeoutMs),
    ...(wait ? { wait: parseWait(wait) } : {}),
    waitAtStart: setting('initial-wait') === undefined ? true : Boolean(setting('initial-wait')),
    reloadErrorFatal: Boolean(setting('reload-error-fatal')),
    servicesPrefix: optionalString(setting('services-prefix'), 'services-prefix') ?? defaultConfig.servicesPrefix,
    functionDenylist: stringList(setting('function-denylist'), 'function-denylist'),
    ...optional('sandboxPath', optionalString(setting('sandbox-path'), 'sandbox-path')),
    separator: optionalString(setting('separator'), 'separator') ?? defaultConfig.separator,
    ...optional('username', optionalString(setting('username'), 'username')),
    ...optional('password', optionalString(setting('password'), 'password')),
    ...optional('token', token),
    ...optional('tokenFile', optionalString(setting('token-file'), 'token-file')),
    tls: {
      verify: !setting('tls-skip-verify'),
      ...optional('caFile', optionalString(setting('client-ca-keys'), 'client-ca-keys')),
      ...optional('certFile', optionalString(setting('client-cert'), 'client-cert')),
      ...optional('keyFile', optionalString(setting('client-key'), 'client-key')),
      ...optional('serverName', optionalString(setting('tls-server-name'), 'tls-server-name')),
    },
    ...optional('maxStaleMs', setting('max-stale') === undefined ? undefined : durationOr(setting('max-stale'), 'max-stale', 0)),
    retryMax: optionalNumber(setting('retry-max'), 'retry-max') ?? defaultConfig.retryMax,
    ...optional('statusAddress', optionalString(setting('status-addr'), 'status-addr')),
    // vault
    vault: vaultConfigOf(setting as (name: string) => unknown),
    vaultAuth: vaultAuthOf(setting as (name: string) => unknown),
    showSecrets: Boolean(setting('show-secrets')),
  };
  if (backend === 'vault' && explicitWatch === true) {
    throw new CtmplError('USAGE', '-watch: the vault backend has no change feed (neither has confd\'s); use -interval N');
  }
  if (config.interval <= 0) throw new CtmplError('USAGE', `-interval must be a positive number of seconds`);
  return config;
}

function backendOf(value: unknown, consulAddr: string | undefined, hasTemplateSpecs: boolean): BackendName {
  if (value === undefined) return consulAddr || hasTemplateSpecs ? 'consul' : defaultConfig.backend;
  const name = String(value);
  if (!backendNames.includes(name as BackendName)) {
    throw new CtmplError('USAGE', `-backend: unknown backend "${name}" (want one of ${backendNames.join(', ')})`);
  }
  return name as BackendName;
}

function withScheme(node: string, scheme: string | undefined): string {
  return scheme && !node.includes('://') ? `${scheme}://${node}` : node;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CtmplError('USAGE', `-${name} must be a string`);
  return value;
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) throw new CtmplError('USAGE', `-${name} must be a number`);
  return number;
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.some((item) => typeof item !== 'string')) throw new CtmplError('USAGE', `-${name} must be a string or a list of strings`);
  return list as string[];
}

function choice(value: unknown, name: string, choices: readonly string[], fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value)) {
    throw new CtmplError('USAGE', `-${name} must be one of ${choices.join(', ')}, not ${JSON.stringify(value)}`);
  }
  return value;
}

function durationOr(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') throw new CtmplError('USAGE', `-${name} must be a duration like 10s`);
  return parseDuration(value, `-${name}`);
}
