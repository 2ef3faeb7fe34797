import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, normalize } from 'node:path';
import { quote } from '../template/go/strconv.js';
import type { FileWrite } from '../types/effects.js';

/**
 * Performs `writeToFile` calls (src/template/functions/files.ts) as consul-template 0.42.1
 * does (template/funcs.go writeToFile): creates the parent directory, refuses a symlinked
 * parent or a symlink at the path (and opens with O_NOFOLLOW against a swap in between),
 * truncates or appends, then sets owner and group (names or ids) and the mode on the open file.
 */
export async function performFileWrite(write: FileWrite): Promise<void> {
  const cleanPath = normalize(write.path);
  const dir = dirname(cleanPath);
  try {
    await stat(dir);
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw goError(error);
    await mkdir(dir, { recursive: true }).catch((e: unknown) => Promise.reject(goError(e)));
  }
  const dirInfo = await lstat(dir).catch((error: unknown) => Promise.reject(new Error(`writeToFile: failed to stat directory ${quote(dir)}: ${goError(error).message}`)));
  if (dirInfo.isSymbolicLink()) throw new Error(`writeToFile: refusing to write through symlinked directory in path ${quote(write.path)}`);
  const target = join(dir, basename(cleanPath));
  const info = await lstat(target).catch((error: unknown) => {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw new Error(`writeToFile: failed to stat ${quote(target)}: ${goError(error).message}`);
  });
  if (info?.isSymbolicLink()) throw new Error(`writeToFile: refusing to write to symlink ${quote(write.path)}`);
  const flags = constants.O_CREAT | constants.O_NOFOLLOW | (write.append ? constants.O_APPEND | constants.O_WRONLY : constants.O_RDWR | constants.O_TRUNC);
  const file = await open(target, flags, write.mode).catch((error: unknown) => Promise.reject(goError(error, target)));
  try {
    await file.write(write.content);
    if (write.owner !== '' || write.group !== '') {
      const uid = write.owner === '' ? process.getuid!() : await lookupId('user', write.owner);
      const gid = write.group === '' ? process.getgid!() : await lookupId('group', write.group);
      await file.chown(uid, gid).catch((error: unknown) => Promise.reject(goError(error, target, 'chown')));
    }
    await file.chmod(write.mode).catch((error: unknown) => Promise.reject(goError(error, target, 'chmod')));
  } finally {
    await file.close();
  }
}

/**
 * Go's user.Lookup / user.LookupGroup (its pure-Go form: /etc/passwd and /etc/group), then the
 * text as a numeric id, as consul-template tries them; neither gives Go's "unknown user" error.
 */
async function lookupId(kind: 'user' | 'group', name: string): Promise<number> {
  const table = await readFile(kind === 'user' ? '/etc/passwd' : '/etc/group', 'utf8').catch(() => '');
  for (const line of table.split('\n')) {
    const [entry, , id] = line.split(':');
    if (entry === name && id !== undefined && /^\d+$/.test(id)) return Number(id);
  }
  if (/^[+-]?\d+$/.test(name)) return Number(name);
  throw new Error(`${kind}: unknown ${kind} ${name}`);
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** Where libuv's wording differs from the C library's, which Go prints (ELOOP: O_NOFOLLOW met a symlink). */
const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  EEXIST: 'file exists',
};

/** Node's "EACCES: permission denied, open '/x'" as Go's *PathError words it: "open /x: permission denied". */
function goError(error: unknown, path?: string, op?: string): Error {
  if (!isErrnoException(error)) return error instanceof Error ? error : new Error(String(error));
  const description = GO_ERRNO_TEXT[error.code ?? ''] ?? /^E[A-Z]+: ([^,]+)/.exec(error.message)?.[1] ?? error.message;
  const syscall = op ?? error.syscall ?? 'open';
  return new Error(`${syscall} ${error.path ?? path ?? ''}: ${description}`);
}
