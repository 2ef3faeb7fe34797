import type { Snapshot } from './backend.js';

/**
 * Yields `read()` each time one of `paths` changes and the snapshot's cursor differs from the
 * last one, until `signal` aborts. Paths may not exist yet: their creation is a change.
 */
export async function* followFiles(
  paths: readonly string[],
  read: () => Promise<Snapshot>,
  cursor: string,
  signal: AbortSignal,
): AsyncGenerator<Snapshot> {
  // Loaded here, not at the top: once-mode runs never follow files.
  const { watch } = await import('chokidar');
  const watcher = watch([...paths], { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 } });
  let wake: (() => void) | undefined;
  // Re-read once the watcher is ready: a write between the snapshot and now is not lost.
  let dirty = true;
  const onEvent = () => {
    dirty = true;
    wake?.();
  };
  watcher.on('all', onEvent);
  signal.addEventListener('abort', onEvent, { once: true });
  try {
    await new Promise<void>((resolve) => {
      watcher.once('ready', () => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    let last = cursor;
    while (!signal.aborted) {
      if (!dirty) await new Promise<void>((resolve) => (wake = resolve));
      dirty = false;
      if (signal.aborted) return;
      const snapshot = await read();
      if (snapshot.cursor !== last) {
        last = snapshot.cursor;
        yield snapshot;
      }
    }
  } finally {
    signal.removeEventListener('abort', onEvent);
    await watcher.close();
  }
}
