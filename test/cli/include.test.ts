import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, runCliInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';

/**
 * `include` through a real run: a conf.d resource resolves names in <confdir>/templates (not its
 * own subfolder, as the confd fork does); a -template spec in its template's folder.
 */
describe('include in a run', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('a conf.d resource includes from the templates folder, with the data functions', async () => {
    await writeConfdir(dir, {
      resources: { 'site.toml': '[template]\nsrc = "nginx/site.tmpl"\ndest = "out/site.conf"\nkeys = ["/app"]\n' },
      templates: {
        'nginx/site.tmpl': 'server {\n{{ include "partials/upstream.tmpl" (dict "port" 8080) }}}\n',
        'partials/upstream.tmpl': '  # {{ getv "/app/name" }}\n  listen {{ .port }};\n',
      },
      files: { 'data.yaml': 'app:\n  name: shop\n' },
    });
    const result = await runCliInProcess(['-onetime', '-confdir', dir, '-backend', 'file', '-file', join(dir, 'data.yaml')], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(dir, 'out/site.conf'), 'utf8'), 'server {\n  # shop\n  listen 8080;\n}\n');
  });

  it('a -template spec includes from its own folder', async () => {
    await writeConfdir(join(dir, 'ct'), { files: { 'in.tmpl': '<{{ include "part.tmpl" }}>', 'part.tmpl': 'p' } });
    const spec = `${join(dir, 'ct/in.tmpl')}:${join(dir, 'ct/out.txt')}`;
    const result = await runCliInProcess(['-once', '-backend', 'env', '-template', spec], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(dir, 'ct/out.txt'), 'utf8'), '<p>');
  });
});
