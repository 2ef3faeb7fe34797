import { readFile } from 'node:fs/promises';
import { CtmplError, messageOf } from '../errors.js';
import type { Backend, Snapshot } from './backend.js';
import { followFiles } from './follow-files.js';
import { contentSnapshot } from './kv-data.js';

/**
 * Serves `file` dependencies (consul-template's `file` function) from the local disk, watched
 * like any other dependency, in front of whichever backend serves the rest.
 */
export function withLocalFiles(inner: Backend): Backend {
  return {
    description: inner.description,
    addressOf: (dep) => (dep.type === 'file' ? 'local files' : (inner.addressOf?.(dep) ?? inner.description)),
    supports: (dep) => dep.type === 'file' || inner.supports(dep),
    snapshot: (dep, signal) => (dep.type === 'file' ? readLocalFile(dep.path) : inner.snapshot(dep, signal)),
    changes: (dep, cursor, signal) =>
      dep.type === 'file' ? followFiles([dep.path], () => readLocalFile(dep.path), cursor, signal) : inner.changes(dep, cursor, signal),
    close: () => inner.close(),
  } satisfies Backend;
}

/** A file's text, or null data when it does not exist (yet). */
async function readLocalFile(path: string): Promise<Snapshot> {
  try {
    return contentSnapshot(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return contentSnapshot(null);
    throw new CtmplError('BACKEND', `file ${path}: ${messageOf(error)}`, { cause: error });
  }
}

