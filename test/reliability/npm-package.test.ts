import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '../support/cli.js';
import { repoRoot } from '../support/repo-root.js';

/**
 * `npm pack` from a tree of only the tracked files runs prepack (a clean build), so it lives in
 * this slower suite, which CI runs after `npm test`.
 */

describe('the npm package', () => {
  it('is built by prepack when packed from a tree holding only the tracked files', { timeout: 300_000 }, async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const tracked = (await promisify(execFile)('git', ['ls-files'], { cwd: repoRoot })).stdout.split('\n').filter(Boolean);
      for (const file of tracked) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await cp(join(repoRoot, file), join(dir, file));
      }
      await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
      const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
      const files = new Set((JSON.parse(stdout.slice(stdout.indexOf('['))) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
      for (const path of ['dist/cli.js', 'examples/systemd/ctmpl.service', 'examples/docker/Dockerfile']) {
        assert.ok(files.has(path), `${path} is not in the package`);
      }
      // What a run loads lazily is a chunk of its own (scripts/build.mjs), named after its module.
      for (const chunk of ['consul-template-config', 'exec-child', 'etcd', 'redis']) {
        assert.ok([...files].some((path) => path.startsWith(`dist/chunks/${chunk}-`)), `no chunk for ${chunk} in the package`);
      }
      assert.ok(![...files].some((path) => path.startsWith('test/') || path.startsWith('src/')), 'sources or tests shipped');
    } finally {
      await cleanup();
    }
  });
});
