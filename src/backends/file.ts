import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse, type Tags } from 'yaml';
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
  const read = coalesce(() => readAll(options.files));
  return {
    description,
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep) {
      return contentSnapshot(kvData(await read(), dep));
    },
    changes: (dep, cursor, signal) => followFiles(options.files, async () => contentSnapshot(kvData(await read(), dep)), cursor, signal),
    async close() {},
  } satisfies Backend;
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

/**
 * YAML 1.1 as confd's yaml.v2 reads it into interface{}: integers exact (big ones matter below),
 * timestamps and sexagesimal numbers (`1:20`) left as the strings they are written as.
 */
const YAML_OPTIONS = {
  version: '1.1',
  merge: true,
  // uniqueKeys off: its check is quadratic in a map's size (seconds at 20 000 keys).
  uniqueKeys: false,
  intAsBigInt: true,
  customTags: (tags: Tags) => tags.filter((t) => (typeof t === 'string' ? true : t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
} as const;

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
      document = parse(text, YAML_OPTIONS);
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
  } else if (typeof node === 'bigint') {
    const text = formatInteger(node);
    if (text !== undefined) out.set(key || '/', text);
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

const INT64_MIN = -(2n ** 63n);
const INT64_LIMIT = 2n ** 63n;
const UINT64_LIMIT = 2n ** 64n;

/**
 * yaml.v2's integer, as nodeWalk prints it: an int64 as is; a uint64 beyond int64 is dropped
 * (nodeWalk has no case for uint64); anything larger is read as a float64.
 */
function formatInteger(value: bigint): string | undefined {
  if (value >= INT64_MIN && value < INT64_LIMIT) return value.toString();
  if (value >= 0n && value < UINT64_LIMIT) return undefined;
  return formatNumber(Number(value));
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
