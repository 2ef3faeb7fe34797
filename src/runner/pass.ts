import type { Resource } from '../config/resource.js';
import { CtmplError, messageOf } from '../errors.js';
import { expandCommand } from './commands.js';
import { processResource, type ProcessOptions } from './process.js';
import type { FileWrite } from '../types/effects.js';

export interface RenderedResource {
  readonly resource: Resource;
  readonly output: string;
  /** Values the render took from Vault (masked in dry-run diffs). */
  readonly secrets?: readonly string[];
  /** The render's `writeToFile` calls, performed before the destination is written. */
  readonly fileWrites?: readonly FileWrite[];
}

export interface DueReload {
  readonly command: string;
  /** The destination whose change made it due. */
  readonly dest: string;
  readonly timeoutMs: number;
}

/** What writing one pass did; `reloads` are in resource order, duplicates included. */
export interface PassResult {
  readonly written: number;
  readonly wouldChange: boolean;
  /** How many destinations would change (new file, content, mode or owner) and how many would not. */
  readonly changedCount: number;
  readonly unchangedCount: number;
  readonly errors: readonly CtmplError[];
  readonly reloads: readonly DueReload[];
  /** Per destination processed: whether it was written, or the error that stopped it. */
  readonly outcomes: readonly FileOutcome[];
}

export interface FileOutcome {
  readonly dest: string;
  readonly didRender: boolean;
  readonly error?: CtmplError;
}

/**
 * Writes a pass's rendered files and lists the reload commands now due: those of files that
 * changed, plus those `isRetry` names (failed last time). Files are written concurrently (each
 * fsync waits on the disk); resources sharing a destination keep their order, and a dry run goes
 * in resource order so its diffs read the same every time.
 */
export async function writePass(
  items: readonly RenderedResource[],
  options: ProcessOptions,
  isRetry: (command: string) => boolean = () => false,
): Promise<PassResult> {
  const lanes = new Map<string, RenderedResource[]>();
  for (const item of items) {
    const lane = options.noop ? '' : item.resource.dest;
    lanes.set(lane, [...(lanes.get(lane) ?? []), item]);
  }
  const due = new Map<RenderedResource, DueReload>();
  const errors: CtmplError[] = [];
  const outcomes: FileOutcome[] = [];
  let written = 0;
  let changedCount = 0;
  let unchangedCount = 0;
  await Promise.all(
    [...lanes.values()].map(async (group) => {
      for (const item of group) {
        try {
          await performFileWrites(item, options);
          const outcome = await processResource(item.resource, item.output, options, item.secrets);
          written += outcome.didRender ? 1 : 0;
          outcomes.push({ dest: item.resource.dest, didRender: outcome.didRender });
          if (outcome.wouldRender) changedCount++;
          else unchangedCount++;
          const { reloadCmd, dest } = item.resource;
          const command = reloadCmd && expandCommand(reloadCmd, { src: dest, dest });
          if (command && (outcome.didRender || isRetry(command))) {
            due.set(item, { command, dest, timeoutMs: item.resource.commandTimeoutMs ?? options.commandTimeoutMs });
          }
        } catch (error) {
          const failure = error instanceof CtmplError ? error : new CtmplError('WRITE', `${item.resource.dest}: ${messageOf(error)}`, { cause: error });
          errors.push(failure);
          outcomes.push({ dest: item.resource.dest, didRender: false, error: failure });
        }
      }
    }),
  );
  return { written, wouldChange: changedCount > 0, changedCount, unchangedCount, errors, reloads: items.flatMap((item) => due.get(item) ?? []), outcomes };
}

/**
 * A render's `writeToFile` calls, in order, as consul-template makes them during execution: a
 * failure fails the resource and its destination is left as it was. A dry run only says what
 * it would write.
 */
async function performFileWrites(item: RenderedResource, options: ProcessOptions): Promise<void> {
  const writes = item.fileWrites ?? [];
  if (writes.length === 0) return;
  if (options.noop) {
    for (const write of writes) {
      options.logger.info('runner', `${item.resource.dest}: writeToFile would ${write.append ? 'append to' : 'write'} ${write.path} (${Buffer.byteLength(write.content)} bytes, mode 0${write.mode.toString(8)}) (dry run)`);
    }
    return;
  }
  const { performFileWrite } = await import('./file-writes.js');
  for (const write of writes) {
    try {
      await performFileWrite(write);
    } catch (error) {
      throw new CtmplError('WRITE', `${item.resource.dest}: writeToFile ${write.path}: ${messageOf(error)}`, { cause: error });
    }
  }
}
