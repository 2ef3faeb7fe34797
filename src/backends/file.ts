import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse } from 'yaml';
import { decodeBytes } from '../bytes.js';
import { CtmplError, messageOf } from '../errors.js';
import type { Backend } from './backend.js';
import { followFiles } from './follow-files.js';
import { contentSnapshot, kvData } from './kv-data.js';

export interface FileBackendOptions {
  /** YAML or JSON files, or directories searched recursively for *.yaml, *.yml, *.json. */
  readonly files: readonly string[];
}

const dataExtensions = new Set(['.yaml', '.yml', '.json']);

/**
 * confd's file backend: every file is flattened into "/a/b" → "value" (nested maps join with
 * "/", list items use their index, scalars print as strings) and later files override earlier
 * ones. Changes are seen by watching the files.
 */
export function createFileBackend(options: FileBackendOptions): Backend {
  if (options.files.length === 0) throw new CtmplError('USAGE', 'file backend: no data file given (use -file PATH)');
  const description = `file ${options.files.join(',')}`;
  return {
    description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep) {
      return contentSnapshot(kvData(await readAll(options.files), dep));
    },
    changes: (dep, cursor, signal) => followFiles(options.files, async () => contentSnapshot(kvData(await readAll(options.files), dep)), cursor, signal),
    async close() {},
  } satisfies Backend;
}

/** Reads and flattens every data file into one map. */
export async function readAll(files: readonly string[]): Promise<Map<string, string>> {
  const all = new Map<string, string>();
  for (const path of await expandPaths(files)) {
    let text: string;
    try {
      text = decodeBytes(await readFile(path));
    } catch (error) {
      throw new CtmplError('BACKEND', `file ${path}: cannot read: ${messageOf(error)}`, { cause: error });
    }
    let document: unknown;
    try {
      // uniqueKeys off: its check is quadratic in a map's size (seconds at 20 000 keys).
      document = parse(text, { version: '1.1', merge: true, uniqueKeys: false });
    } catch (error) {
      throw new CtmplError('BACKEND', `file ${path}${positionOf(error)}: invalid YAML/JSON: ${firstLineOf(error)}`, { cause: error });
    }
    flatten(document, '', all);
  }
  return all;
}

async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new CtmplError('BACKEND', `file ${path}: ${messageOf(error)}`, { cause: error });
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true, recursive: true });
    files.push(
      ...entries
        .filter((entry) => entry.isFile() && dataExtensions.has(extname(entry.name)))
        .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
        .sort(),
    );
  }
  return files;
}

/** confd's nodeWalk: maps join keys with "/", lists use indexes, null is dropped. */
export function flatten(node: unknown, key: string, out: Map<string, string>): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    node.forEach((item, index) => flatten(item, `${key}/${index}`, out));
  } else if (node instanceof Map) {
    for (const [k, v] of node) flatten(v, joinKey(key, String(k)), out);
  } else if (typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) flatten(v, joinKey(key, k), out);
  } else if (typeof node === 'number') {
    out.set(key || '/', formatNumber(node));
  } else {
    out.set(key || '/', String(node));
  }
}

function joinKey(parent: string, child: string): string {
  const joined = `${parent}/${child}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): never an exponent. */
function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return value.toFixed(0);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/** ":line:col" of a YAML parse error, when it has one. */
function positionOf(error: unknown): string {
  const at = (error as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
  return at ? `:${at.line}:${at.col}` : '';
}

/** The message's first line, without the " at line L, column C:" the position already says. */
function firstLineOf(error: unknown): string {
  return messageOf(error).split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
