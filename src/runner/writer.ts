import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, fsync, mkdirSync, openSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { chown, copyFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';
import { encodeText } from '../bytes.js';
import { CtmplError, messageOf } from '../errors.js';

// A write is a dozen file-system calls (stat, open, read, write, chmod, close, rename…). Made
// async, each is a round trip through libuv's thread pool, two thread wake-ups that cost more than
// the call on a busy host; on a local file each takes microseconds, so they are made in place.
// The one that waits for the disk, the fsync before the rename, stays off the event loop.
const fsyncAsync = promisify(fsync);

/** Mode and owner a destination should end up with; absent fields keep the current file's. */
export interface Permissions {
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * The destination as it is on disk now (`size` undefined: it does not exist). `content` is
 * undefined too when its size alone proved it differs from what was to be compared.
 */
export interface Destination {
  readonly path: string;
  readonly size?: number;
  readonly content?: Buffer;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * Reads the destination's mode, owner and bytes; a missing file is not an error. Anything but
 * a regular file (a FIFO, /dev/zero, a directory) is refused before it is opened: reading one
 * blocks forever or never ends. With `compareSize`, a file of another size is not read at all;
 * otherwise at most size+1 bytes are read, so a file that grows meanwhile reads as different.
 */
export async function readDestination(path: string, options: { compareSize?: number } = {}): Promise<Destination> {
  try {
    const info = statSync(path);
    refuseIrregular(path, info);
    const found = { path, size: info.size, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
    if (options.compareSize !== undefined && options.compareSize !== info.size) return found;
    return { ...found, content: readBounded(path, info.size + 1) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path };
    if (error instanceof CtmplError) throw error;
    throw new CtmplError('WRITE', `${path}: cannot read destination: ${messageOf(error)}`, { cause: error });
  }
}

function refuseIrregular(path: string, info: Stats): void {
  if (info.isFile()) return;
  const kind = info.isFIFO() ? 'a FIFO' : info.isDirectory() ? 'a directory' : info.isCharacterDevice() ? 'a character device' : info.isBlockDevice() ? 'a block device' : info.isSocket() ? 'a socket' : 'not a regular file';
  throw new CtmplError('WRITE', `${path}: destination is ${kind}, not a regular file; refusing to replace it`);
}

/** Reads at most `limit` bytes; non-blocking, so a FIFO swapped in after the stat cannot hang us. */
function readBounded(path: string, limit: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    refuseIrregular(path, fstatSync(fd));
    const buffer = Buffer.allocUnsafe(limit);
    let length = 0;
    while (length < limit) {
      const bytesRead = readSync(fd, buffer, length, limit - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** What writing `output` would change, like consul-template's RenderResult. */
export interface WritePlan {
  readonly destination: Destination;
  readonly content: Buffer;
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly contentChanged: boolean;
  readonly permissionsChanged: boolean;
  /** True when anything differs: the file would be (re)written. */
  readonly wouldRender: boolean;
}

const defaultMode = 0o644;

/** Compares the rendered output and wanted permissions with the destination. */
export function planWrite(destination: Destination, output: string, wanted: Permissions): WritePlan {
  const content = encodeText(output);
  const mode = wanted.mode ?? destination.mode ?? defaultMode;
  const uid = wanted.uid ?? destination.uid;
  const gid = wanted.gid ?? destination.gid;
  const exists = destination.size !== undefined;
  const contentChanged = destination.content === undefined || !destination.content.equals(content);
  const permissionsChanged =
    exists && (mode !== destination.mode || (wanted.uid !== undefined && wanted.uid !== destination.uid) || (wanted.gid !== undefined && wanted.gid !== destination.gid));
  return {
    destination,
    content,
    mode,
    ...(uid !== undefined ? { uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    contentChanged,
    permissionsChanged,
    wouldRender: contentChanged || permissionsChanged,
  };
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Writes the planned content to a temp file beside the destination (same filesystem, so the
 * rename is atomic), fsyncs it, and gives it the planned mode and owner. Returns its path.
 * Without `createDirs` (consul-template's create_dest_dirs = false) a missing folder is an error.
 */
export async function stageFile(plan: WritePlan, options: { createDirs: boolean } = { createDirs: true }): Promise<string> {
  const dest = plan.destination.path;
  const staged = join(dirname(dest), `.${basename(dest)}.ctmpl-${process.pid}-${nextStagedSuffix()}`);
  if (!options.createDirs && !isDirectory(dirname(dest))) {
    throw new CtmplError('WRITE', `${dest}: parent directory is missing (create_dest_dirs = false)`);
  }
  setExitHook();
  inFlight.add(staged);
  try {
    const fd = openStaged(staged, plan);
    let created: Stats;
    try {
      writeFileSync(fd, plan.content);
      fchmodSync(fd, plan.mode);
      created = fstatSync(fd);
      await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    await setOwner(staged, plan, created);
    return staged;
  } catch (error) {
    await discardStaged(staged);
    if (error instanceof CtmplError) throw error;
    throw new CtmplError('WRITE', `${dest}: cannot stage: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Creates the staged file, exclusively. The folder is made only when the destination was not
 * there (or the open finds the folder gone): a mkdir per rewrite was two system calls for nothing.
 */
function openStaged(staged: string, plan: WritePlan): number {
  if (plan.destination.size === undefined) mkdirSync(dirname(staged), { recursive: true });
  try {
    return openSync(staged, 'wx', plan.mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || plan.destination.size === undefined) throw error;
    mkdirSync(dirname(staged), { recursive: true });
    return openSync(staged, 'wx', plan.mode);
  }
}

/**
 * The 8 hex digits that make a staged name unique within this process: a counter from a random
 * start (one draw per process; `randomBytes` per write was ~1.5 % of a daemon's CPU per change).
 * The pid in the name separates processes, the random start a restarted pid 1's leftovers, and
 * the exclusive open refuses any clash.
 */
function nextStagedSuffix(): string {
  stagedCounter = ((stagedCounter ?? randomBytes(4).readUInt32BE(0)) + 1) >>> 0;
  return stagedCounter.toString(16).padStart(8, '0');
}

let stagedCounter: number | undefined;

/** Gives the staged file the planned owner; nothing to do when it was created with it (our own files). */
async function setOwner(path: string, plan: WritePlan, created: Stats): Promise<void> {
  if ((plan.uid === undefined || plan.uid === created.uid) && (plan.gid === undefined || plan.gid === created.gid)) return;
  const uid = plan.uid ?? -1;
  const gid = plan.gid ?? -1;
  try {
    await chown(path, uid, gid);
  } catch (error) {
    const explicit = plan.uid !== plan.destination.uid || plan.gid !== plan.destination.gid;
    // Keeping another user's ownership needs root; without it the file simply becomes ours.
    if (explicit) throw new CtmplError('WRITE', `${plan.destination.path}: cannot set owner ${uid}:${gid}: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Moves the staged file into place with an atomic rename. A bind-mounted destination
 * refuses the rename (EBUSY): then the bytes are copied over it in place.
 */
export async function commitFile(staged: string, plan: WritePlan, options: { backup?: boolean } = {}): Promise<void> {
  const dest = plan.destination.path;
  try {
    if (options.backup && plan.destination.size !== undefined) await copyFile(dest, `${dest}.bak`);
    renameSync(staged, dest);
    inFlight.delete(staged);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EBUSY') {
      await discardStaged(staged);
      throw new CtmplError('WRITE', `${dest}: cannot write: ${messageOf(error)}`, { cause: error });
    }
    try {
      await writeFile(dest, plan.content);
    } finally {
      await discardStaged(staged);
    }
  }
}

/** Removes a staged file, ignoring one that is already gone. */
export async function discardStaged(staged: string): Promise<void> {
  inFlight.delete(staged);
  await unlink(staged).catch(() => undefined);
}

/** Staged files this process has created and not yet renamed or removed. */
const inFlight = new Set<string>();
let isExitHookSet = false;

/**
 * Our staged names: `.<dest name>.ctmpl-<pid>-<8 hex>`, and `.<dest name>.ctmpl-<8 hex>` from
 * versions before the pid was part of it.
 */
const stagedName = /^\.(.+)\.ctmpl-(?:([0-9]+)-)?[0-9a-f]{8}$/;

/**
 * Removes the staged files a killed ctmpl left beside these destinations: ours by name, for
 * these destinations only, and only when the process that staged them is gone (another ctmpl
 * may be writing the same file). Also arranges for this process's own staged files to be
 * removed when it exits. Returns the paths removed; never throws.
 */
export async function removeStaleStaged(destinations: readonly string[]): Promise<string[]> {
  setExitHook();
  const namesByDir = new Map<string, Set<string>>();
  for (const dest of destinations) namesByDir.set(dirname(dest), (namesByDir.get(dirname(dest)) ?? new Set()).add(basename(dest)));
  const removed: string[] = [];
  for (const [dir, names] of namesByDir) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const entry of entries) {
      const path = join(dir, entry);
      if (!isStale(entry, names, path)) continue;
      await unlink(path).then(() => removed.push(path), () => undefined);
    }
  }
  return removed;
}

function isStale(entry: string, names: ReadonlySet<string>, path: string): boolean {
  const match = stagedName.exec(entry);
  if (!match || !names.has(match[1]!)) return false;
  const pid = match[2] === undefined ? undefined : Number(match[2]);
  if (pid === undefined) return true;
  // In a container ctmpl is often pid 1 again after a restart: our pid, but not our file.
  if (pid === process.pid) return !inFlight.has(path);
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function setExitHook(): void {
  if (isExitHookSet) return;
  isExitHookSet = true;
  process.on('exit', () => {
    for (const staged of inFlight) {
      try {
        unlinkSync(staged);
      } catch {
        // already renamed into place or removed
      }
    }
  });
}
