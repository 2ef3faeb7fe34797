import type { Config } from '../config/config.js';
import type { Resource } from '../config/resource.js';
import { encodedLength } from '../bytes.js';
import { CtmplError } from '../errors.js';
import type { Logger } from '../log.js';
import { assertCommandOk, expandCommand, runCommand, type CommandPlace, type CommandResult } from './commands.js';
import { describePlan } from './diff.js';
import { isWorldReadable } from './secrets.js';
import { commitFile, discardStaged, planWrite, readDestination, stageFile, type WritePlan } from './writer.js';

export interface ProcessOptions {
  readonly noop: boolean;
  readonly commandTimeoutMs: number;
  /** Where check and reload commands run, and their environment. */
  readonly commandPlace: CommandPlace;
  readonly logger: Logger;
  /** Where -noop prints its diffs. */
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  /** -show-secrets: dry-run diffs show the lines carrying values read from Vault. */
  readonly showSecrets?: boolean;
  /** The store is Vault (confd's vault backend): every value read is a secret. */
  readonly isVaultStore?: boolean;
  /** Told about every check command run, passed or not (the daemon's status keeps the last one). */
  readonly onCheck?: (dest: string, result: CommandResult) => void;
}

/** The options every file's processing takes from the configuration and the run, in once and daemon modes alike. */
export function processOptionsFor(config: Config, logger: Logger, io: Pick<ProcessOptions, 'stdout'> & CommandPlace): ProcessOptions {
  return {
    logger,
    noop: config.noop,
    showSecrets: config.showSecrets,
    isVaultStore: config.backend === 'vault',
    commandTimeoutMs: config.commandTimeoutMs,
    commandPlace: { cwd: io.cwd, env: io.env },
    stdout: io.stdout,
  };
}

/** What processing one rendered resource did (`wouldRender` in a dry run). */
export interface ProcessOutcome {
  readonly didRender: boolean;
  readonly wouldRender: boolean;
}

/**
 * The story of one file, as confd's sync: plan → stage → check → commit. A failed check
 * leaves the destination untouched and throws CtmplError('CHECK'); the reload is the pass's.
 */
export async function processResource(resource: Resource, output: string, options: ProcessOptions, secrets: readonly string[] = []): Promise<ProcessOutcome> {
  // A dry run shows the old content in its diff, so it reads the file whatever its size.
  const compareSize = options.noop ? undefined : encodedLength(output);
  const plan = planWrite(await readDestination(resource.dest, compareSize === undefined ? {} : { compareSize }), output, resource);
  if (!plan.wouldRender) {
    options.logger.debug('runner', `${resource.dest}: unchanged`);
    return { didRender: false, wouldRender: false };
  }
  if (options.noop) {
    options.stdout.write(describePlan(plan, Boolean(options.stdout.isTTY), options.showSecrets ? [] : secrets));
    options.logger.info('runner', `${resource.dest}: would change (dry run)`);
    return { didRender: false, wouldRender: true };
  }
  if (secrets.length > 0 && isWorldReadable(plan.mode)) {
    options.logger.warn('runner', `${resource.dest}: holds values read from Vault but is world-readable (mode 0${plan.mode.toString(8)}); give it a mode such as 0600`);
  }
  const staged = await stageFile(plan, { createDirs: resource.createDestDirs !== false });
  try {
    await checkStaged(resource, staged, options);
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
  await commitFile(staged, plan, { backup: resource.backup });
  options.logger.info('runner', `${resource.dest}: ${describeChange(plan)}`);
  return { didRender: true, wouldRender: true };
}

async function checkStaged(resource: Resource, staged: string, options: ProcessOptions): Promise<void> {
  if (!resource.checkCmd) return;
  const timeoutMs = resource.commandTimeoutMs ?? options.commandTimeoutMs;
  const result = await runCommand(expandCommand(resource.checkCmd, { src: staged, dest: resource.dest }), timeoutMs, options.commandPlace);
  options.onCheck?.(resource.dest, result);
  assertCommandOk(result, timeoutMs, 'CHECK', resource.dest);
}

function describeChange(plan: WritePlan): string {
  if (plan.destination.size === undefined) return 'created';
  return plan.contentChanged ? 'updated' : `mode/owner updated to 0${plan.mode.toString(8)}`;
}

export interface ReloadFailure {
  readonly command: string;
  readonly error: CtmplError;
}

/** Runs each distinct reload command once, in order; returns the failures (never throws). `onResult` sees every run. */
export async function runReloads(
  reloads: readonly { command: string; timeoutMs: number }[],
  place: CommandPlace,
  logger: Logger,
  onResult?: (result: CommandResult) => void,
): Promise<ReloadFailure[]> {
  const failures: ReloadFailure[] = [];
  const seen = new Set<string>();
  for (const { command, timeoutMs } of reloads) {
    if (seen.has(command)) continue;
    seen.add(command);
    const result = await runCommand(command, timeoutMs, place);
    onResult?.(result);
    try {
      assertCommandOk(result, timeoutMs, 'RELOAD', 'reload');
      logger.info('runner', `reload: "${command}" ok`);
    } catch (error) {
      logger.error('runner', (error as CtmplError).message);
      failures.push({ command, error: error as CtmplError });
    }
  }
  return failures;
}
