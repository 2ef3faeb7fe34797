import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { decodeBytes } from '../bytes.js';
import { CtmplError, messageOf } from '../errors.js';
import type { Backend } from './backend.js';
import { followFiles } from './follow-files.js';
import type { Dependency } from '../types/dependency.js';
import { confdListing, contentSnapshot, kvData } from './kv-data.js';
import { parseYamlV2 } from '../template/functions/yaml-v2-parse.js';
import { resolvePlainScalar, YamlUint64 } from '../template/functions/yaml-v2-resolve.js';
import { joinPath } from '../template/functions/go-path.js';
import { formatFloat } from '../template/go/strconv.js';

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
  const read = coalesce(() => readAll(options.files));
  return {
    description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep) {
      return contentSnapshot(answer(await read(), dep));
    },
    changes: (dep, cursor, signal) => followFiles(options.files, async () => contentSnapshot(answer(await read(), dep)), cursor, signal),
    async close() {},
  } satisfies Backend;
}

/** A confd resource's key (`siblings`) lists as confd's GetValues does; everything else as kvData. */
function answer(all: ReadonlyMap<string, string>, dep: Dependency): unknown {
  return dep.type === 'kv.list' && dep.siblings ? confdListing(all, dep.prefix) : kvData(all, dep);
}

/**
 * Shares one read among the calls made while it runs: once mode asks for every dependency at
 * the same moment, and 500 resources each parsing the whole data file was quadratic (30 s).
 * A call made after the read settled starts a new one, so changes are always seen.
 */
function coalesce<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    if (!inFlight) inFlight = read().finally(() => (inFlight = undefined));
    return inFlight;
  };
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
      document = parseYamlV2(text, resolvePlainScalar);
    } catch (error) {
      throw new CtmplError('BACKEND', `file ${path}${positionOf(error)}: invalid YAML/JSON: ${firstLineOf(error)}`, { cause: error });
    }
    if (document !== null && !(document instanceof Map)) {
      throw new CtmplError('BACKEND', `file ${path}: the document is a ${Array.isArray(document) ? 'list' : 'scalar'}, not a map (confd's file backend reads a map)`);
    }
    flatten(document, '/', all, path);
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

/**
 * confd's nodeWalk: map keys and list indexes joined with path.Join (so "a/../b" cleans), ints,
 * bools and floats printed as Go prints them, null and uint64 dropped (nodeWalk has no case for
 * them). A key that is not a string (`yes:`, `80:`) makes confd panic; here it is an error.
 */
export function flatten(node: unknown, key: string, out: Map<string, string>, file: string): void {
  if (node === null || node === undefined || node instanceof YamlUint64) return;
  if (Array.isArray(node)) {
    node.forEach((item, index) => flatten(item, joinPath(key, String(index)), out, file));
  } else if (node instanceof Map) {
    for (const [k, v] of node) {
      if (typeof k !== 'string') throw new CtmplError('BACKEND', `file ${file}: key ${String(k)} under ${key} is not a string (confd's file backend reads only string keys: quote it)`);
      flatten(v, joinPath(key, k), out, file);
    }
  } else if (typeof node === 'bigint') {
    out.set(key, node.toString());
  } else if (typeof node === 'number') {
    out.set(key, formatFloat(node, 'f', -1));
  } else {
    out.set(key, String(node));
  }
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
