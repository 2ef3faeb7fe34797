import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root folder: where the nearest package.json above this file really lives. Tests
 * run from their sources (tsx) or compiled into .test-build/ (scripts/run-tests.mjs), which links
 * package.json in, so a path counted in "../" from a test file would depend on which.
 */
export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dirname(realpathSync(join(dir, 'package.json')));
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
