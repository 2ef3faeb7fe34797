import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Dependency } from '../../types/dependency.js';
import { goFunc, type FuncMap } from '../go/values.js';
import type { FunctionContext } from './context.js';

/**
 * Environment and local files: `env mustEnv envOrDefault` (consul-template), `getenv` and
 * `fileExists` (confd), `file` (consul-template, confined to -sandbox-path).
 *
 * `file` reads through a `file` dependency, so the file is watched like any key: an absent file
 * holds the render until it appears (consul-template retries until it exists).
 */

function systemMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message;
}

/** consul-template's pathInSandbox: throws unless `path` resolves inside `sandbox`. */
export function checkInSandbox(sandbox: string | undefined, path: string): void {
  if (!sandbox) return;
  let resolved: string;
  try {
    resolved = realpathSync(path);
  } catch (err) {
    throw new Error(`lstat ${path}: ${systemMessage(err)}`);
  }
  if (relative(sandbox, resolved).startsWith('..')) throw new Error(`'${path}' is outside of sandbox`);
}

function readFile(ctx: FunctionContext, path: string): string {
  if (path === '') return '';
  if (existsSync(path)) checkInSandbox(ctx.sandboxPath, path);
  else if (ctx.sandboxPath) checkInSandbox(ctx.sandboxPath, dirname(path));
  const dep: Dependency = { type: 'file', path: resolve(path) };
  const text = ctx.data.read(dep);
  if (text === null) ctx.data.markMissing(dep);
  return typeof text === 'string' ? text : '';
}

/** confd's isFileExist: true unless stat says "does not exist"; false outside the sandbox. */
function fileExists(ctx: FunctionContext, path: string): boolean {
  try {
    checkInSandbox(ctx.sandboxPath, path);
  } catch {
    return false;
  }
  try {
    statSync(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR';
  }
}

/** The environment and file function set over `ctx`. */
export function envFuncs(ctx: FunctionContext): FuncMap {
  const lookup = (name: string) => ctx.env[name];
  return {
    env: goFunc(['string'], (name: string) => lookup(name) ?? ''),
    mustEnv: goFunc(['string'], (name: string) => {
      const value = lookup(name) ?? '';
      if (value === '') throw new Error(`required environment variable ${name} is empty`);
      return value;
    }),
    envOrDefault: goFunc(['string', 'string'], (name: string, def: string) => lookup(name) ?? def),
    getenv: goFunc(
      ['string'],
      (name: string, ...defaults: string[]) => {
        const value = lookup(name) ?? '';
        return value === '' ? (defaults[0] ?? '') : value;
      },
      'string',
    ),
    file: goFunc(['string'], (path: string) => readFile(ctx, path)),
    fileExists: goFunc(['string'], (path: string) => fileExists(ctx, path)),
  };
}
