import type { Backend } from './backend.js';
import { contentSnapshot, kvData } from './kv-data.js';

export interface EnvBackendOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * confd's env backend: key "/app/db/host" is variable APP_DB_HOST, and variable APP_DB_HOST
 * lists as key "/app/db/host". The environment never changes, so `changes` waits for abort.
 */
export function createEnvBackend(options: EnvBackendOptions): Backend {
  const all = new Map<string, string>();
  for (const [name, value] of Object.entries(options.env)) {
    if (value !== undefined) all.set(`/${name.toLowerCase().replaceAll('_', '/')}`, value);
  }
  return {
    description: 'env',
    supports: (dep) => dep.type === 'kv.get' || dep.type === 'kv.list',
    async snapshot(dep) {
      if (dep.type === 'kv.get') return contentSnapshot(options.env[envName(dep.key)] ?? null);
      return contentSnapshot(kvData(all, dep));
    },
    async *changes(_dep, _cursor, signal) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
    async close() {},
  } satisfies Backend;
}

/** "/app/db/host" → "APP_DB_HOST". */
export function envName(key: string): string {
  return key.replace(/^\/+/, '').replaceAll('/', '_').toUpperCase();
}
