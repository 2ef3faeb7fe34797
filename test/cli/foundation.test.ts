import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, runCli, runCliInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';

const data = `app:
  name: shop
  servers:
    web1: 10.0.0.1:80
    web2: 10.0.0.2:80
`;
const upstreamTemplate = `upstream {{getv "/app/name"}} {
{{- range gets "/app/servers/*"}}
    server {{.Value}};
{{- end}}
}
`;
const expectedUpstream = `upstream shop {
    server 10.0.0.1:80;
    server 10.0.0.2:80;
}
`;

function resourceToml(dest: string, extra = ''): string {
  return `[template]\nsrc = "upstream.tmpl"\ndest = "${dest}"\nkeys = ["/app"]\n${extra}`;
}

describe('ctmpl on the file backend, end to end', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  /** A fresh confdir per test, with the upstream template and data. */
  async function confdir(resources: Record<string, string>, templates: Record<string, string> = {}) {
    const root = join(dir, `case-${++counter}`);
    await writeConfdir(root, { resources, templates: { 'upstream.tmpl': upstreamTemplate, ...templates }, files: { 'data.yaml': data } });
    return root;
  }
  const onceArgs = (root: string, extra: string[]) => ['-onetime', '-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml'), ...extra];
  // In process where the process boundary is not what is tested; spawned for the end-to-end case
  // and where check and reload commands run in the CLI's working directory.
  const once = (root: string, ...extra: string[]) => runCliInProcess(onceArgs(root, extra), { cwd: root });
  const onceSpawned = (root: string, ...extra: string[]) => runCli(onceArgs(root, extra), { cwd: root });

  it('renders a conf.d resource into a file identical to the expected text', async () => {
    const root = await confdir({ 'up.toml': resourceToml('out/upstream.conf', 'mode = "0640"\n') });
    const result = await onceSpawned(root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'out/upstream.conf'), 'utf8'), expectedUpstream);
    assert.equal((await stat(join(root, 'out/upstream.conf'))).mode & 0o777, 0o640);
  });

  it('does not rewrite a file whose content did not change (same inode and mtime)', async () => {
    const root = await confdir({ 'up.toml': resourceToml('up.conf') });
    assert.equal((await once(root)).code, 0);
    const first = await stat(join(root, 'up.conf'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await once(root)).code, 0);
    const second = await stat(join(root, 'up.conf'));
    assert.equal(second.ino, first.ino);
    assert.equal(second.mtimeMs, first.mtimeMs);
  });

  it('keeps the mode of an existing file when the resource names none', async () => {
    const root = await confdir({ 'up.toml': resourceToml('up.conf') });
    await writeFile(join(root, 'up.conf'), 'old\n');
    await chmod(join(root, 'up.conf'), 0o600);
    assert.equal((await once(root)).code, 0);
    assert.equal(await readFile(join(root, 'up.conf'), 'utf8'), expectedUpstream);
    assert.equal((await stat(join(root, 'up.conf'))).mode & 0o777, 0o600);
  });

  it('leaves the destination byte-identical and skips the reload when the check fails', async () => {
    const root = await confdir({
      'up.toml': resourceToml('up.conf', `check_cmd = "grep -q nosuchtext {{.src}}"\nreload_cmd = "touch reloaded"\n`),
    });
    await writeFile(join(root, 'up.conf'), 'previous\n');
    const result = await onceSpawned(root);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /check command/);
    assert.equal(await readFile(join(root, 'up.conf'), 'utf8'), 'previous\n');
    assert.equal(await readIfExists(join(root, 'reloaded')), undefined);
  });

  it('runs the check on the staged file, then the reload once for two resources sharing it', async () => {
    const reload = `reload_cmd = "echo x >> reloads"\n`;
    const root = await confdir({
      'a.toml': resourceToml('a.conf', `check_cmd = "grep -q upstream {{.src}}"\n${reload}`),
      'b.toml': resourceToml('b.conf', reload),
    });
    const result = await onceSpawned(root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'reloads'), 'utf8'), 'x\n');
  });

  it('prints a unified diff in -noop mode and writes nothing', async () => {
    const root = await confdir({ 'up.toml': resourceToml('up.conf') });
    await writeFile(join(root, 'up.conf'), 'upstream shop {\n    server 10.0.0.1:80;\n}\n');
    const result = await once(root, '-noop');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\+\+\+ .*up\.conf/m);
    assert.match(result.stdout, /^\+    server 10\.0\.0\.2:80;$/m);
    assert.equal(await readFile(join(root, 'up.conf'), 'utf8'), 'upstream shop {\n    server 10.0.0.1:80;\n}\n');
  });

  const badInputs: { name: string; resources: Record<string, string>; message: RegExp }[] = [
    { name: 'malformed TOML', resources: { 'bad.toml': '[template]\nsrc = "upstream.tmpl\n' }, message: /bad\.toml:2:\d+: invalid TOML/ },
    { name: 'a missing src', resources: { 'nosrc.toml': '[template]\ndest = "x.conf"\n' }, message: /nosrc\.toml.*needs "src"/ },
    { name: 'a missing template file', resources: { 'gone.toml': '[template]\nsrc = "gone.tmpl"\ndest = "x.conf"\n' }, message: /gone\.toml.*gone\.tmpl/ },
    { name: 'a decimal-looking mode', resources: { 'mode.toml': resourceToml('x.conf', 'mode = "644"\n') }, message: /mode\.toml:5: mode "644" must be octal/ },
  ];
  for (const { name, resources, message } of badInputs) {
    it(`refuses ${name} with one clear line and writes nothing`, async () => {
      const root = await confdir({ 'good.toml': resourceToml('good.conf'), ...resources });
      const result = await once(root);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(await readIfExists(join(root, 'good.conf')), undefined);
    });
  }

  it('refuses an unknown flag with the usage hint and exit code 64', async () => {
    const result = await runCliInProcess(['-onetime', '-bogus']);
    assert.equal(result.code, 64);
    assert.match(result.stderr, /Unknown argument: bogus/);
    assert.match(result.stderr, /ctmpl -help/);
  });

  it('refuses a list flag given without a value', async () => {
    const result = await runCliInProcess(['-once', '-template']);
    assert.equal(result.code, 64);
    assert.match(result.stderr, /flag -template needs a value/);
  });

  it('prints usage with examples for -help and the version for -version', async () => {
    const help = await runCliInProcess(['-help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /-confdir/);
    assert.match(help.stdout, /Examples:/);
    const version = await runCliInProcess(['--version']);
    assert.match(version.stdout, /^ctmpl \d+\.\d+\.\d+/);
  });

  it('accepts Go-style -flag=value and lets flags override the config file', async () => {
    const root = await confdir({ 'up.toml': resourceToml('up.conf') });
    await writeFile(join(root, 'ctmpl.toml'), 'backend = "env"\nonetime = false\n');
    const result = await runCliInProcess([`-confdir=${root}`, '-onetime=true', '-backend=file', `-file=${join(root, 'data.yaml')}`], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'up.conf'), 'utf8'), expectedUpstream);
  });

  it('reads the env backend with confd mapping (APP_NAME is /app/name)', async () => {
    const root = await confdir({ 'env.toml': '[template]\nsrc = "env.tmpl"\ndest = "env.conf"\nkeys = ["/app"]\n' }, { 'env.tmpl': 'name={{getv "/app/name"}}\n' });
    const result = await runCliInProcess(['-onetime', '-confdir', root, '-backend', 'env'], { cwd: root, env: { APP_NAME: 'from-env' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'env.conf'), 'utf8'), 'name=from-env\n');
  });

  it('renders the Handlebars dialect for .hbs sources with the confd helpers', async () => {
    const root = await confdir(
      { 'hbs.toml': '[template]\nsrc = "up.hbs"\ndest = "hbs.conf"\nkeys = ["/app"]\n' },
      { 'up.hbs': 'upstream {{getv "/app/name"}} {\n{{#each (gets "/app/servers/*")}}    server {{this.Value}}; # {{base this.Key}}\n{{/each}}\n}\n' },
    );
    const result = await once(root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'hbs.conf'), 'utf8'), 'upstream shop {\n    server 10.0.0.1:80; # web1\n    server 10.0.0.2:80; # web2\n}\n');
  });
});
