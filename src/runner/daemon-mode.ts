import { join } from 'node:path';
import type { Backend } from '../backends/backend.js';
import type { Config } from '../config/config.js';
import { messageOf } from '../errors.js';
import { exitCodeFor, ExitCode } from '../exit-codes.js';
import type { Logger } from '../log.js';
import { retryPolicyFor } from '../retry-policy.js';
import { watchConfiguration } from './config-watch.js';
import { Daemon } from './daemon.js';
import type { ExecChild, PassReport } from './exec-child.js';
import type { PreparedResource } from './prepare.js';
import { processOptionsFor } from './process.js';
import { notifyReady } from './sd-notify.js';

/** What the daemon needs of the run: its output, environment and folder, and the signals it follows. */
export interface DaemonIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Stops the daemon (SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
  /** Registers what SIGHUP does: reload the configuration and templates. */
  readonly onHangup?: (listener: () => void) => void;
  /** Registers a listener for the signals exec mode forwards to its child as they are (SIGUSR1, SIGUSR2). */
  readonly onForwardedSignal?: (listener: (signal: NodeJS.Signals) => void) => void;
}

export interface DaemonModeOptions {
  readonly config: Config;
  readonly backend: Backend;
  readonly logger: Logger;
  readonly io: DaemonIo;
  /** Loads the configuration and templates again (SIGHUP, an edit under conf.d/ or templates/). */
  readonly reloadResources: () => Promise<PreparedResource[]>;
}

/**
 * Watch and interval modes, wired: the daemon, the watch of conf.d/ and templates/ (and SIGHUP),
 * the status server, exec mode's child and systemd's readiness. Resolves to the exit status once
 * the daemon gave up, was stopped, or (exec mode) its child exited.
 */
export async function runDaemonMode(prepared: PreparedResource[], { config, backend, logger, io, reloadResources }: DaemonModeOptions): Promise<number> {
  const supervision = await superviseExecChild(config, logger, io);
  const signal = supervision.signal;
  const fleet = await fleetModeFor(config, logger, io);
  const daemon = new Daemon({
    ...processOptionsFor(config, logger, io), backend, signal, watch: config.watch, intervalMs: config.interval * 1000,
    onPassComplete: passHandler(supervision.child, logger, io),
    ...(config.wait ? { wait: config.wait } : {}), waitAtStart: config.waitAtStart, reloadErrorFatal: config.reloadErrorFatal,
    retryPolicy: retryPolicyFor(config.retryMax), blockedWarningMs: config.blockedWarningMs,
    ...(fleet ? { fleet } : {}),
  });
  logger.info('runner', `watching ${prepared.length} template(s) on ${backend.description} (${config.watch ? 'watch' : `interval ${config.interval}s`})`);
  const status = config.statusAddress ? await (await import('./status-server.js')).startStatusServer(config.statusAddress, daemon.stats, () => daemon.status.status()) : undefined;
  const reload = async () => {
    try {
      daemon.replaceResources(await reloadResources());
      logger.info('config', 'configuration and templates reloaded');
    } catch (error) {
      logger.error('config', `${messageOf(error)} (keeping the previous configuration)`);
    }
  };
  io.onHangup?.(() => void reload());
  const templateFiles = prepared.filter((item) => !item.resource.origin.endsWith('.toml') && item.resource.contents === undefined).map((item) => item.resource.src);
  const stopWatchingConfiguration = watchConfiguration([join(config.confdir, 'conf.d'), join(config.confdir, 'templates'), ...templateFiles], reload, signal);
  // A daemon that gave up leaves nothing running behind it.
  const fatal = await daemon.run(prepared).finally(async () => {
    stopWatchingConfiguration();
    status?.close();
    // A clean stop hands every template this instance leads to the fleet at once.
    await fleet?.close();
  });
  if (fatal) {
    logger.error('runner', fatal.message);
    await supervision.child?.stop();
    return exitCodeFor(fatal.code);
  }
  return supervision.child ? supervision.child.exited : ExitCode.ok;
}

/** Fleet mode (-dedup) on the run's Consul or etcd; none in a dry run, which must not lead anything. */
async function fleetModeFor(config: Config, logger: Logger, io: DaemonIo) {
  if (!config.dedup || config.noop) return undefined;
  const [{ createFleetStore }, { FleetMode }, { templateHash }] = await Promise.all([
    import('../backends/index.js'), import('./dedup/fleet-mode.js'), import('./dedup/template-hash.js'),
  ]);
  const store = await createFleetStore(config, config.dedup, io.env, logger);
  logger.info('dedup', `fleet mode on ${store.description}, under ${config.dedup.prefix}/`);
  return new FleetMode<PreparedResource>({
    store,
    logger,
    hashOf: ({ resource, template }) => templateHash({ ...resource, text: template.source.text }),
    nameOf: ({ resource }) => resource.dest,
  });
}

/**
 * What the daemon does after each pass: exec mode's child follows it, and the first complete
 * render tells systemd that ctmpl is ready (Type=notify).
 */
function passHandler(child: ExecChild | undefined, logger: Logger, io: DaemonIo) {
  let isReadySent = false;
  return async (pass: PassReport) => {
    await child?.onPassComplete(pass);
    if (!pass.isComplete || isReadySent) return;
    isReadySent = true;
    await notifyReady(io.env, logger);
  };
}

/**
 * Exec mode's wiring: the daemon runs until ctmpl is signalled or, with -exec, until the child
 * exits. A SIGINT/SIGTERM to ctmpl is forwarded to the child, whose exit then ends the daemon;
 * ctmpl exits with the child's status.
 */
async function superviseExecChild(config: Config, logger: Logger, io: DaemonIo) {
  if (!config.exec) return { signal: io.signal, child: undefined };
  const { ExecChild } = await import('./exec-child.js');
  const child = new ExecChild(config.exec, { logger, env: io.env, cwd: io.cwd });
  const controller = new AbortController();
  void child.exited.then(() => controller.abort());
  const forward = () => {
    const name = (io.signal.reason as { message?: unknown } | undefined)?.message;
    void child.stop(typeof name === 'string' && /^SIG[A-Z0-9]+$/.test(name) ? (name as NodeJS.Signals) : undefined);
  };
  if (io.signal.aborted) forward();
  else io.signal.addEventListener('abort', forward, { once: true });
  io.onForwardedSignal?.((name) => child.forward(name));
  return { signal: controller.signal, child };
}
