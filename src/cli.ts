#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { createBackend } from './backends/index.js';
import type { Config } from './config/config.js';
import { parseFlags, usageText } from './config/flags.js';
import { CtmplError, messageOf } from './errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import type { Logger } from './log.js';
import type { prepareResources } from './runner/prepare.js';

export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborts a running daemon (SIGINT/SIGTERM); it then exits 0. */
  readonly signal: AbortSignal;
  /** Registers what SIGHUP does: reload the configuration and templates. */
  readonly onHangup?: (listener: () => void) => void;
}

/** Runs ctmpl with `argv` (without node and script) and resolves to the exit status. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const flags = parseFlags(argv);
    if (flags.help) {
      io.stdout.write(`${await usageText()}\n`);
      return ExitCode.ok;
    }
    if (flags.version) {
      io.stdout.write(`ctmpl ${packageVersion()}\n`);
      return ExitCode.ok;
    }
    // Loaded only past -help and -version, so those start as fast as Node itself.
    const [{ loadConfig }, { createLogger }, { prepareResources }, { createBackend }] = await Promise.all([
      import('./config/load.js'), import('./log.js'), import('./runner/prepare.js'), import('./backends/index.js'),
    ]);
    const { config, resources, configFile } = await loadConfig(flags, io.cwd);
    const logger = createLogger(config.logLevel, config.logFormat, io.stderr);
    if (configFile?.ignoredKeys.length) logger.warn('config', `${configFile.path}: ignoring confd keys ctmpl does not use: ${configFile.ignoredKeys.join(', ')}`);
    if (resources.length === 0) {
      throw new CtmplError('CONFIG', `no templates: no *.toml under ${config.confdir}/conf.d and no -template given`);
    }
    const prepared = await prepareResources(resources, config, io.env);
    const backend = await createBackend(config, io.env, logger);
    try {
      if (config.onetime) return await runOnceMode(prepared, config, backend, logger, io);
      const reloadResources = async () => {
        const loaded = await loadConfig(flags, io.cwd);
        return prepareResources(loaded.resources, loaded.config, io.env);
      };
      return await runDaemonMode(prepared, config, backend, logger, io, reloadResources);
    } finally {
      await backend.close();
    }
  } catch (error) {
    return reportFatal(error, argv, io);
  }
}

async function runOnceMode(
  prepared: Awaited<ReturnType<typeof prepareResources>>,
  config: Config,
  backend: Awaited<ReturnType<typeof createBackend>>,
  logger: Logger,
  io: CliIo,
): Promise<number> {
  const { runOnce } = await import('./runner/once.js');
  const result = await runOnce(prepared, {
    backend, logger, noop: config.noop, commandTimeoutMs: config.commandTimeoutMs,
    lookupTimeoutMs: config.lookupTimeoutMs, stdout: io.stdout, signal: io.signal,
  });
  for (const failure of result.failures) logger.error('runner', failure.message);
  const first = result.failures[0];
  return first ? exitCodeFor(first.code) : ExitCode.ok;
}

async function runDaemonMode(
  prepared: Awaited<ReturnType<typeof prepareResources>>,
  config: Config,
  backend: Awaited<ReturnType<typeof createBackend>>,
  logger: Logger,
  io: CliIo,
  reloadResources: () => Promise<Awaited<ReturnType<typeof prepareResources>>>,
): Promise<number> {
  const { Daemon } = await import('./runner/daemon.js');
  const { defaultBackoff, exponentialBackoff } = await import('./backends/retry.js');
  const { watchConfiguration } = await import('./runner/config-watch.js');
  const daemon = new Daemon({
    backend, logger, noop: config.noop, commandTimeoutMs: config.commandTimeoutMs, stdout: io.stdout,
    signal: io.signal, watch: config.watch, intervalMs: config.interval * 1000,
    ...(config.wait ? { wait: config.wait } : {}), waitAtStart: config.waitAtStart, reloadErrorFatal: config.reloadErrorFatal,
    retryPolicy: exponentialBackoff({ ...defaultBackoff, maxAttempts: config.retryMax }),
  });
  logger.info('runner', `watching ${prepared.length} template(s) on ${backend.description} (${config.watch ? 'watch' : `interval ${config.interval}s`})`);
  const status = config.statusAddress ? await (await import('./runner/status-server.js')).startStatusServer(config.statusAddress, daemon.stats) : undefined;
  const reload = async () => {
    try {
      daemon.replaceResources(await reloadResources());
      logger.info('config', 'configuration and templates reloaded');
    } catch (error) {
      logger.error('config', `${messageOf(error)} (keeping the previous configuration)`);
    }
  };
  io.onHangup?.(() => void reload());
  const templateFiles = prepared.filter((item) => !item.resource.origin.endsWith('.toml')).map((item) => item.resource.src);
  watchConfiguration([join(config.confdir, 'conf.d'), join(config.confdir, 'templates'), ...templateFiles], reload, io.signal);
  const fatal = await daemon.run(prepared).finally(() => status?.close());
  if (fatal) {
    logger.error('runner', fatal.message);
    return exitCodeFor(fatal.code);
  }
  return ExitCode.ok;
}

async function reportFatal(error: unknown, argv: readonly string[], io: CliIo): Promise<number> {
  if (error instanceof CtmplError) {
    io.stderr.write(`ctmpl: ${error.message}\n`);
    if (error.code === 'USAGE' && !argv.includes('-help')) io.stderr.write('Run "ctmpl -help" for usage.\n');
    return exitCodeFor(error.code);
  }
  io.stderr.write(`ctmpl: unexpected error: ${messageOf(error)}\n${error instanceof Error ? error.stack ?? '' : ''}\n`);
  return ExitCode.failure;
}

function packageVersion(): string {
  const path = fileURLToPath(new URL('../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal,
    onHangup: (listener) => process.on('SIGHUP', listener),
  });
  process.exitCode = code;
  if (controller.signal.aborted || code !== 0) setTimeout(() => process.exit(code), 100).unref();
}
