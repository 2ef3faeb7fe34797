import { watch } from 'chokidar';
import pDebounce from 'p-debounce';

/**
 * Calls `reload` (debounced) whenever a file under `paths` changes, e.g. conf.d/ and
 * templates/, until `signal` aborts or the returned function is called. Edits made by editors in
 * several writes apply once.
 */
export function watchConfiguration(paths: readonly string[], reload: () => Promise<void>, signal: AbortSignal): () => void {
  if (signal.aborted) return () => {};
  const debounced = pDebounce(reload, 200);
  const watcher = watch([...paths], { ignoreInitial: true });
  watcher.on('all', () => void debounced());
  const stop = () => {
    signal.removeEventListener('abort', stop);
    void watcher.close();
  };
  signal.addEventListener('abort', stop, { once: true });
  return stop;
}
