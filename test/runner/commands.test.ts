import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../support/cli.js';
import { expandCommand, quoteForShell, runCommand } from '../../src/runner/commands.js';

describe('check and reload commands', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());
  const here = { cwd: process.cwd(), env: process.env };

  const awkwardDirs = [
    { name: 'a directory with a space', sub: 'with space' },
    { name: 'a directory with a dollar sign and a quote', sub: "it's $HOME" },
    { name: 'a directory with a backquote and a semicolon', sub: 'a`b;c' },
    { name: 'a plain directory', sub: 'plain' },
  ];
  const templates = [
    { name: 'bare placeholders', check: 'test -f {{.src}} && test -f {{ .dest }}' },
    { name: 'single-quoted placeholders', check: "test -f '{{.src}}' && test -f '{{.dest}}'" },
    { name: 'double-quoted placeholders', check: 'test -f "{{.src}}" && test -f "{{.dest}}"' },
  ];
  for (const awkward of awkwardDirs) {
    for (const template of templates) {
      it(`names the staged file and the destination as one word each in ${awkward.name} with ${template.name}`, async () => {
        const base = join(dir, awkward.sub);
        await mkdir(base, { recursive: true });
        const src = join(base, '.app.conf.ctmpl-staged');
        const dest = join(base, 'app.conf');
        await Promise.all([writeFile(src, 'x'), writeFile(dest, 'y')]);
        const result = await runCommand(expandCommand(template.check, { src, dest }), 10_000, here);
        assert.equal(result.ok, true, `${result.command}: ${result.outputTail}`);
      });
    }
  }

  it('leaves a safe path as it is and quotes any other', () => {
    assert.equal(quoteForShell('/etc/nginx/app.conf'), '/etc/nginx/app.conf');
    assert.equal(quoteForShell('/a b'), "'/a b'");
    assert.equal(quoteForShell("/it's"), "'/it'\\''s'");
  });

  it('offers {{.dest}} to a reload command so it names the file in place', async () => {
    const dest = join(dir, 'with space', 'reloaded.conf');
    await writeFile(dest, 'z');
    const result = await runCommand(expandCommand('cat {{.dest}}', { src: dest, dest }), 10_000, here);
    assert.equal(result.ok, true);
    assert.equal(result.outputTail, 'z');
  });

  it("runs in the run's folder with the run's environment only, not this process's", async () => {
    const place = { cwd: dir, env: { PATH: process.env.PATH, CTMPL_PLACE: 'from the run' } };
    const result = await runCommand('echo "$(pwd) ${CTMPL_PLACE} ${HOME:-no home}"', 10_000, place);
    assert.equal(result.outputTail, `${dir} from the run no home`);
  });
});
