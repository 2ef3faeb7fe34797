import type { FileWrite } from '../../types/effects.js';
import { quote } from '../go/strconv.js';
import { goFunc, type FuncMap } from '../go/values.js';
import type { FunctionContext } from './context.js';

/**
 * consul-template's `writeToFile PATH OWNER GROUP PERMS [FLAGS] CONTENT` (0.27) and `plugin
 * NAME ARGS…` (0.10), the two functions with effects outside the template. writeToFile
 * checks its arguments here, as consul-template does before it writes, and records the write
 * for the runner (src/runner/file-writes.ts); plugin calls the runner's injected PluginRunner.
 */

/** strconv.ParseUint(s, 8, 32), with Go's error texts. */
function parseOctalMode(s: string): number {
  if (!/^[0-7]+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${quote(s)}: invalid syntax`);
  const value = Number.parseInt(s, 8);
  if (value > 0xffff_ffff) throw new Error(`strconv.ParseUint: parsing ${quote(s)}: value out of range`);
  return value;
}

function writeToFile(ctx: FunctionContext, path: string, owner: string, group: string, permissions: string, args: readonly string[]): string {
  // Go indexes args[len(args)-1]: with no content argument it panics, and text/template reports it.
  if (args.length === 0) throw new Error('runtime error: index out of range [-1]');
  const flags = args.length === 2 ? args[0]! : '';
  const mode = parseOctalMode(permissions);
  const newline = flags.includes('newline');
  const write: FileWrite = { path, owner, group, mode, append: flags.includes('append'), content: newline ? `${args.at(-1)!}\n` : args.at(-1)! };
  if (!ctx.fileWrites) throw new Error('writeToFile: no writer in this render');
  ctx.fileWrites.push(write);
  return '';
}

function plugin(ctx: FunctionContext, name: string, args: readonly string[]): string {
  if (name === '') return '';
  if (!ctx.runPlugin) throw new Error(`exec ${quote(name)}: no plugin runner in this render`);
  // Trimmed and empty ones dropped, as consul-template does: plugins get confused by newlines.
  return ctx.runPlugin(name, args.map((arg) => arg.trim()).filter((arg) => arg !== ''));
}

/** The effectful function set over `ctx`. */
export function effectFuncs(ctx: FunctionContext): FuncMap {
  return {
    writeToFile: goFunc(
      ['string', 'string', 'string', 'string'],
      (path: string, owner: string, group: string, permissions: string, ...args: string[]) => writeToFile(ctx, path, owner, group, permissions, args),
      'string',
    ),
    plugin: goFunc(['string'], (name: string, ...args: string[]) => plugin(ctx, name, args), 'string'),
  };
}
