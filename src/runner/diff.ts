import { createRequire } from 'node:module';
import type * as Diff from 'diff';
import { maskSecretLines } from './secrets.js';
import type { WritePlan } from './writer.js';

const require = createRequire(import.meta.url);
let diffModule: typeof Diff | undefined;
/** The diff package (19 modules), loaded by the first dry run rather than by every run. */
const loadDiff = () => (diffModule ??= require('diff') as typeof Diff);

/**
 * A unified diff of what a dry run would change in one file, colored for a TTY. A change of
 * mode or owner alone is reported in a header line; lines carrying `secrets` are masked.
 */
export function describePlan(plan: WritePlan, color: boolean, secrets: readonly string[] = []): string {
  const dest = plan.destination.path;
  const lines: string[] = [];
  if (plan.permissionsChanged) {
    lines.push(`# ${dest}: mode ${formatMode(plan.destination.mode)} → ${formatMode(plan.mode)}${ownerChange(plan)}`);
  }
  if (plan.contentChanged) {
    const before = plan.destination.content?.toString('utf8') ?? '';
    const patch = loadDiff().createTwoFilesPatch(plan.destination.size !== undefined ? dest : '/dev/null', dest, before, plan.content.toString('utf8'), '', '', { context: 3 });
    lines.push(...maskSecretLines(patch.split('\n').slice(1).filter((line, index, all) => index < all.length - 1 || line !== ''), secrets));
  }
  const text = lines.map((line) => (color ? colorize(line) : line)).join('\n');
  return `${text}\n`;
}

function ownerChange(plan: WritePlan): string {
  const { uid, gid } = plan.destination;
  return plan.uid !== uid || plan.gid !== gid ? `, owner ${uid}:${gid} → ${plan.uid}:${plan.gid}` : '';
}

function formatMode(mode: number | undefined): string {
  return mode === undefined ? 'none' : `0${mode.toString(8)}`;
}

function colorize(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return `\x1b[1m${line}\x1b[0m`;
  if (line.startsWith('+')) return `\x1b[32m${line}\x1b[0m`;
  if (line.startsWith('-')) return `\x1b[31m${line}\x1b[0m`;
  if (line.startsWith('@@')) return `\x1b[36m${line}\x1b[0m`;
  return line;
}
