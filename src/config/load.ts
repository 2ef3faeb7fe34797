import { dirname, resolve } from 'node:path';
import { CtmplError } from '../errors.js';
import { logLevels, type LogFormat, type LogLevel } from '../types/log.js';
import type { Flavor } from '../types/template.js';
import { backendNames, defaultConfig, type BackendName, type Config } from './config.js';
import { findConfigFile, readConfigFile, type ConfigFile } from './config-file.js';
import { loadConfdResources } from './confd-resources.js';
import type { ConsulTemplateConfig } from './consul-template-config.js';
import { dedupSettingsOf } from './dedup.js';
import { settingsFromEnvironment } from './environment.js';
import { execSettingsOf, signalOf } from './exec-settings.js';
import type { ParsedFlags } from './flags.js';
import type { Resource } from './resource.js';
import { templateBlockResource } from './template-block.js';
import { templateSpecResource } from './template-spec.js';
import { choice, nodeAddress, optionalString, positiveDuration, positiveInteger, positiveNumber, stringList } from './validate.js';
import { vaultAuthOf, vaultConfigOf } from './vault.js';
import { parseWait } from './wait.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly resources: readonly Resource[];
  readonly configFile?: ConfigFile;
  /** What -config files said, when some were given (for their warnings). */
  readonly consulTemplateConfig?: ConsulTemplateConfig;
}

/**
 * Builds the run configuration: defaults, then the config file (ctmpl.toml / confd.toml, then
 * consul-template -config files over it), then the environment (CONFD_*, CONSUL_HTTP_*), then
 * flags (flags win); then the resources: conf.d files, [[template]] blocks, -config template
 * blocks and -template specs, in that order.
 */
export async function loadConfig(
  flags: ParsedFlags,
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = {},
  onResourceError?: (error: unknown) => void,
): Promise<LoadedConfig> {
  const envValues = settingsFromEnvironment(env) as ParsedFlags;
  const confdirSetting = flags.confdir ?? envValues.confdir;
  const configFileSetting = flags['config-file'] ?? envValues['config-file'];
  const configPath = await findConfigFile(configFileSetting && resolve(cwd, configFileSetting), confdirSetting ? resolve(cwd, confdirSetting) : defaultConfig.confdir);
  const configFile = configPath ? await readConfigFile(configPath, cwd) : undefined;
  const configPaths = flags.config ?? envValues.config;
  // The HCL reader loads only for a run given consul-template config files.
  const ctConfig = configPaths ? await (await import('./consul-template-config.js')).readConsulTemplateConfigs(configPaths, cwd) : undefined;
  // A consul-template config means Consul, as it does for consul-template, unless ctmpl.toml names a backend.
  const impliedBackend = ctConfig && configFile?.values.backend === undefined ? { backend: 'consul' } : {};
  const fileValues: Readonly<Record<string, unknown>> = { ...configFile?.values, ...impliedBackend, ...ctConfig?.values };
  // CONSUL_HTTP_ADDR beats a file's Consul address, but alone it must not switch the backend.
  const envLayer: Record<string, unknown> = { ...envValues, ...(env.CONSUL_HTTP_ADDR && fileValues['consul-addr'] !== undefined ? { 'consul-addr': env.CONSUL_HTTP_ADDR } : {}) };
  const setting = (name: keyof ParsedFlags): unknown => flags[name] ?? envLayer[name] ?? fileValues[name];
  // Data files named in the config file are relative to it, so a confdir works from any cwd.
  const filesBase = flags.file || envValues.file || !configPath ? cwd : dirname(configPath);
  const config = withOperations(buildConfig(setting, cwd, configPath, filesBase), setting, ctConfig);
  // Without onResourceError the first bad resource throws; with it (check) each is collected.
  const attempt = (build: () => Resource): Resource[] => {
    try {
      return [build()];
    } catch (error) {
      if (!onResourceError) throw error;
      onResourceError(error);
      return [];
    }
  };
  const resources = [
    ...(await loadConfdResources({ confdir: config.confdir, prefix: config.prefix, cwd, ...flavorOf(config) }, onResourceError)),
    ...(configFile?.templates ?? []).flatMap((block, index) => attempt(() => templateBlockResource(block, index, { cwd, file: configFile!.path, ...flavorOf(config) }))),
    ...(ctConfig?.templates ?? []).flatMap(({ block, where }, index) => attempt(() => templateBlockResource(block, index, { cwd, file: where, ...flavorOf(config) }))),
    ...config.templates.flatMap((spec) => attempt(() => withDelimiters(templateSpecResource(spec, { cwd, ...flavorOf(config) }), ctConfig?.defaultDelimiters))),
  ];
  return { config, resources, ...(configFile ? { configFile } : {}), ...(ctConfig ? { consulTemplateConfig: ctConfig } : {}) };
}

/** The operations settings: dry-run gate, lint, exec, pid file and signals. */
function withOperations(config: Config, setting: (name: keyof ParsedFlags) => unknown, ct: ConsulTemplateConfig | undefined): Config {
  const exitCode = Boolean(setting('exit-code'));
  if (exitCode && !config.noop) throw new CtmplError('USAGE', '-exit-code needs -noop (or -dry): it reports whether a dry run found changes');
  const exec = execSettingsOf((name) => setting(name as keyof ParsedFlags));
  if (exec && (config.onetime || exitCode)) throw new CtmplError('USAGE', '-exec supervises a child while ctmpl keeps watching: it cannot be combined with -onetime or -exit-code');
  return {
    ...config,
    // A gate must end: -exit-code renders once.
    onetime: config.onetime || exitCode,
    exitCode,
    parseOnly: Boolean(setting('parse-only')),
    ...optional('pidFile', optionalString(setting('pid-file'), 'pid-file')),
    ...optional('exec', exec),
    ...optional('killSignal', signalOf(ct?.killSignal, 'kill_signal')),
    ...optional('reloadSignal', signalOf(ct?.reloadSignal, 'reload_signal')),
    ...optional('dedup', dedupSettingsOf(setting('dedup'), ct?.deduplicate, config.backend)),
  };
}

/** consul-template's default_delimiters reach -template specs too. */
function withDelimiters(resource: Resource, delimiters: ConsulTemplateConfig['defaultDelimiters']): Resource {
  return {
    ...resource,
    ...(delimiters?.left ? { leftDelim: delimiters.left } : {}),
    ...(delimiters?.right ? { rightDelim: delimiters.right } : {}),
  };
}

function flavorOf(config: Config): { flavor?: Flavor } {
  return config.flavor ? { flavor: config.flavor } : {};
}

function buildConfig(setting: (name: keyof ParsedFlags) => unknown, cwd: string, configFile: string | undefined, filesBase: string): Config {
  const templates = stringList(setting('template'), 'template');
  const consulAddr = optionalString(setting('consul-addr'), 'consul-addr');
  const backend = backendOf(setting('backend'), consulAddr, templates.length > 0);
  const scheme = optionalString(setting('scheme'), 'scheme');
  const nodes = consulAddr ? [nodeAddress(consulAddr, 'consul-addr')] : stringList(setting('node'), 'node').map((node) => withScheme(nodeAddress(node, 'node'), scheme));
  const interval = positiveNumber(setting('interval'), 'interval');
  const explicitWatch = setting('watch');
  const onetime = Boolean(setting('onetime') ?? setting('once'));
  const wait = optionalString(setting('wait'), 'wait');
  const flavor = setting('flavor') === undefined ? undefined : choice<Flavor>(setting('flavor'), 'flavor', ['confd', 'consul-template'], 'confd');
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
    logLevel: choice<LogLevel>(setting('log-level'), 'log-level', logLevels, defaultConfig.logLevel),
    logFormat: choice<LogFormat>(setting('log-format'), 'log-format', ['text', 'json'], defaultConfig.logFormat),
    templates,
    ...(flavor ? { flavor } : {}),
    commandTimeoutMs: positiveDuration(setting('command-timeout'), 'command-timeout', defaultConfig.commandTimeoutMs),
    lookupTimeoutMs: positiveDuration(setting('lookup-timeout'), 'lookup-timeout', defaultConfig.lookupTimeoutMs),
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
    ...optional('maxStaleMs', setting('max-stale') === undefined ? undefined : positiveDuration(setting('max-stale'), 'max-stale', 0)),
    retryMax: positiveInteger(setting('retry-max'), 'retry-max') ?? defaultConfig.retryMax,
    ...optional('statusAddress', optionalString(setting('status-addr'), 'status-addr')),
    blockedWarningMs: positiveDuration(setting('blocked-warning'), 'blocked-warning', defaultConfig.blockedWarningMs),
    // vault
    vault: vaultConfigOf(setting as (name: string) => unknown),
    vaultAuth: vaultAuthOf(setting as (name: string) => unknown),
    showSecrets: Boolean(setting('show-secrets')),
  };
  if (backend === 'vault' && explicitWatch === true) {
    throw new CtmplError('USAGE', '-watch: the vault backend has no change feed (neither has confd\'s); use -interval N');
  }
  return config;
}

function backendOf(value: unknown, consulAddr: string | undefined, hasTemplateSpecs: boolean): BackendName {
  if (value === undefined) return consulAddr || hasTemplateSpecs ? 'consul' : defaultConfig.backend;
  return choice<BackendName>(value, 'backend', backendNames, defaultConfig.backend);
}

function withScheme(node: string, scheme: string | undefined): string {
  return scheme && !node.includes('://') ? `${scheme}://${node}` : node;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
