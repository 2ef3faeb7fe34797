import { readFile, unlink, writeFile } from 'node:fs/promises';
import { CtmplError, messageOf } from '../errors.js';

/**
 * Writes this process's id to `path` (consul-template's -pid-file) and returns a function that
 * removes it again, unless another process has written its own id there meanwhile.
 */
export async function writePidFile(path: string, pid = process.pid): Promise<() => Promise<void>> {
  try {
    await writeFile(path, `${pid}\n`);
  } catch (error) {
    throw new CtmplError('CONFIG', `-pid-file ${path}: ${messageOf(error)}`, { cause: error });
  }
  return async () => {
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current?.trim() === String(pid)) await unlink(path).catch(() => undefined);
  };
}
