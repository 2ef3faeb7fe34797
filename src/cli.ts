#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Backend } from './backends/backend.js';
import type { Config } from './config/config.js';
import type { ParsedFlags } from './config/flags.js';
import { CtmplError, messageOf } from './errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { createLogger, type Logger } from './log.js';
import { redactCredentials } from './redact.js';
import type { DaemonIo } from './runner/daemon-mode.js';
import type { PreparedResource } from './runner/prepare.js';
import { retryPolicyFor } from './retry-policy.js';

/** What a run sees of the world: the daemon's part (runner/daemon-mode.ts) and where errors go. */
export interface CliIo extends DaemonIo {
  readonly stderr: { write(text: string): unknown };
}

/** Runs ctmpl with `argv` (without node and script) and resolves to the exit status. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  // `ctmpl check [flags]` is the one subcommand: the flag parser sees only the flags.
  const isCheckCommand = argv[0] === 'check';
  let isGate = false;
  try {
    // Imported here, not at the top: the signal handlers below are installed before the rest
    // loads (most of start-up), so an early SIGTERM is never met by the default action; and
    // -help and -version load nothing else.
    const { parseFlags, usageText } = await import('./config/flags.js');
    const flags = parseFlags(isCheckCommand ? argv.slice(1) : argv);
    isGate = Boolean(flags['exit-code']);
    if (flags.help) {
      io.stdout.write(`${await usageText()}\n`);
      return ExitCode.ok;
    }
    if (flags.version) {
      io.stdout.write(`ctmpl ${packageVersion()}\n`);
      return ExitCode.ok;
    }
    if (isCheckCommand || flags['parse-only']) return await runCheckMode(flags, io);
    const [{ loadConfig }, { prepareResources }, { createBackend }] = await Promise.all([
      import('./config/load.js'), import('./runner/prepare.js'), import('./backends/index.js'),
    ]);
    const { config, resources, configFile, consulTemplateConfig } = await loadConfig(flags, io.cwd, io.env);
    const logger = createLogger(config.logLevel, config.logFormat, io.stderr);
    if (configFile?.ignoredKeys.length) logger.warn('config', `${configFile.path}: ignoring confd keys ctmpl does not use: ${configFile.ignoredKeys.join(', ')}`);
    for (const note of consulTemplateConfig?.notes ?? []) logger.warn('config', note);
    if (resources.length === 0) {
      throw new CtmplError('CONFIG', `no templates: no *.toml under ${config.confdir}/conf.d and no -template given`);
    }
    const prepared = await prepareResources(resources, config, io.env, io.cwd);
    // A signal during start-up ends the run here; later waits check the signal themselves.
    if (io.signal.aborted) return ExitCode.ok;
    const backend = await createBackend(config, io.env, logger);
    let removePidFile: (() => Promise<void>) | undefined;
    try {
      if (config.pidFile) removePidFile = await (await import('./runner/pid-file.js')).writePidFile(config.pidFile);
      if (config.onetime) return await runOnceMode(prepared, config, backend, logger, io);
      const reloadResources = async () => {
        const loaded = await loadConfig(flags, io.cwd, io.env);
        return prepareResources(loaded.resources, loaded.config, io.env, io.cwd);
      };
      const { runDaemonMode } = await import('./runner/daemon-mode.js');
      return await runDaemonMode(prepared, { config, backend, logger, io, reloadResources });
    } finally {
      await backend.close();
      await removePidFile?.();
    }
  } catch (error) {
    const code = await reportFatal(error, argv, io);
    // -exit-code is terraform's -detailed-exitcode: 0 no change, 2 changes, 1 any error.
    return isGate && code !== ExitCode.ok ? ExitCode.failure : code;
  }
}

/** `ctmpl check` / -parse-only: every error of every resource and template, nothing touched. */
async function runCheckMode(flags: ParsedFlags, io: CliIo): Promise<number> {
  const { checkResources } = await import('./runner/check.js');
  const { loadConfig } = await import('./config/load.js');
  const problems: { code: CtmplError['code']; text: string }[] = [];
  const collect = (error: unknown) => {
    if (!(error instanceof CtmplError)) throw error;
    problems.push({ code: error.code, text: error.message });
  };
  const { resources } = await loadConfig(flags, io.cwd, io.env, collect);
  problems.push(...(await checkResources(resources, io.cwd)));
  for (const problem of problems) io.stderr.write(`${problem.text}\n`);
  const count = `${resources.length} template${resources.length === 1 ? '' : 's'}`;
  if (problems.length === 0) {
    io.stdout.write(`ok: ${count} parsed\n`);
    return ExitCode.ok;
  }
  io.stderr.write(`${problems.length} error${problems.length === 1 ? '' : 's'} (${count} parsed)\n`);
  return exitCodeFor(problems[0]!.code);
}

async function runOnceMode(prepared: PreparedResource[], config: Config, backend: Backend, logger: Logger, io: CliIo): Promise<number> {
  const { runOnce } = await import('./runner/once.js');
  const { processOptionsFor } = await import('./runner/process.js');
  const result = await runOnce(prepared, {
    ...processOptionsFor(config, logger, io), backend, lookupTimeoutMs: config.lookupTimeoutMs, signal: io.signal, retryPolicy: retryPolicyFor(config.retryMax),
  });
  for (const failure of result.failures) logger.error('runner', failure.message);
  if (config.noop) io.stderr.write(`${dryRunSummary(result.changedCount, result.unchangedCount)}\n`);
  const first = result.failures[0];
  if (first) return config.exitCode ? ExitCode.failure : exitCodeFor(first.code);
  return config.exitCode && result.wouldChange ? ExitCode.dryRunChanges : ExitCode.ok;
}

/** "3 files would change, 12 unchanged". */
function dryRunSummary(changed: number, unchanged: number): string {
  return `${changed} file${changed === 1 ? '' : 's'} would change, ${unchanged} unchanged`;
}

async function reportFatal(error: unknown, argv: readonly string[], io: CliIo): Promise<number> {
  if (error instanceof CtmplError) {
    io.stderr.write(`ctmpl: ${redactCredentials(error.message)}\n`);
    if (error.code === 'USAGE' && !argv.includes('-help')) io.stderr.write('Run "ctmpl -help" for usage.\n');
    return exitCodeFor(error.code);
  }
  io.stderr.write(`ctmpl: unexpected error: ${messageOf(error)}\n${error instanceof Error ? error.stack ?? '' : ''}\n`);
  return ExitCode.failure;
}

/**
 * V8 doubles its young generation (1 MiB semi-spaces at start) each time it fills, up to 16 MiB,
 * and a daemon keeps what it grew to. A growth factor of 1 keeps it at its start size: peak RSS of
 * a 10 000-key once-render 67 → 63 MiB at the same CPU time (BENCHMARKS.md). It is the one V8 flag
 * read after start-up (at each growth); `--max-semi-space-size` is read only when the heap is made.
 */
function keepNewSpaceSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
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
  keepNewSpaceSmall();
  const controller = new AbortController();
  // The reason (an AbortError, as aborts everywhere expect) names the signal, so exec mode can forward it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort(new DOMException(signal, 'AbortError')));
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal,
    onHangup: (listener) => process.on('SIGHUP', listener),
    onForwardedSignal: (listener) => {
      for (const name of ['SIGUSR1', 'SIGUSR2'] as const) process.on(name, () => listener(name));
    },
  });
  process.exitCode = code;
  if (controller.signal.aborted || code !== 0) setTimeout(() => process.exit(code), 100).unref();
}
