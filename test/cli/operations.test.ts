import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chown, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, runCliInProcess, startCli, waitFor } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { freePort } from '../support/ports.js';

const isRoot = process.getuid?.() === 0;

describe('operator-facing behaviour through the CLI', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('keeps the owner of an existing file and honours owner/group by name', { skip: isRoot ? false : 'needs root to chown' }, async () => {
    const root = join(dir, 'owner');
    await writeConfdir(root, {
      resources: {
        'kept.toml': '[template]\nsrc = "t.tmpl"\ndest = "kept.conf"\n',
        'named.toml': '[template]\nsrc = "t.tmpl"\ndest = "named.conf"\nowner = "nobody"\ngroup = "nogroup"\n',
      },
      templates: { 't.tmpl': 'content {{getv "/x"}}\n' },
      files: { 'data.yaml': 'x: 1\n' },
    });
    await writeFile(join(root, 'kept.conf'), 'old\n');
    await chown(join(root, 'kept.conf'), 1234, 4321);
    const result = await runCliInProcess(['-onetime', '-confdir', root, '-file', join(root, 'data.yaml')], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    const kept = await stat(join(root, 'kept.conf'));
    assert.deepEqual([kept.uid, kept.gid], [1234, 4321]);
    assert.equal(await readFile(join(root, 'kept.conf'), 'utf8'), 'content 1\n');
    const named = await stat(join(root, 'named.conf'));
    assert.notEqual(named.uid, 0);
  });

  it('renders [[template]] blocks of ctmpl.toml with consul-template options', async () => {
    const root = join(dir, 'blocks');
    await writeConfdir(root, {
      files: {
        'ctmpl.toml': 'backend = "file"\nfile = ["data.yaml"]\n[[template]]\nsource = "in.tpl"\ndestination = "out.conf"\nperms = "0600"\nleft_delimiter = "[["\nright_delimiter = "]]"\ncommand = "touch ran"\n',
        'in.tpl': 'port=[[ key "app/port" ]] {{ untouched }}\n',
        'data.yaml': 'app:\n  port: 8080\n',
      },
    });
    const result = await runCliInProcess(['-once', '-confdir', root], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'out.conf'), 'utf8'), 'port=8080 {{ untouched }}\n');
    assert.equal((await stat(join(root, 'out.conf'))).mode & 0o777, 0o600);
    assert.notEqual(await readIfExists(join(root, 'ran')), undefined);
  });

  it('serves `service` from the registrator layout on the file backend', async () => {
    const root = join(dir, 'registrator');
    await writeConfdir(root, {
      files: {
        'data.yaml': 'services:\n  web:\n    web-1: 10.0.0.1:8080\n    web-2: 10.0.0.2:8081\n',
        'svc.ctmpl': '{{range service "web"}}{{.ID}} {{.Name}} {{.Address}}:{{.Port}}\n{{end}}',
      },
    });
    const result = await runCliInProcess(['-once', '-backend', 'file', '-file', 'data.yaml', '-template', 'svc.ctmpl:svc.conf', '-confdir', root], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(join(root, 'svc.conf'), 'utf8'), 'web-1 web 10.0.0.1:8080\nweb-2 web 10.0.0.2:8081\n');
  });

  it('applies template edits live and reloads the configuration on SIGHUP', async () => {
    const root = join(dir, 'live');
    await writeConfdir(root, {
      resources: { 'a.toml': '[template]\nsrc = "a.tmpl"\ndest = "a.conf"\n' },
      templates: { 'a.tmpl': 'v1 {{getv "/x"}}\n' },
      files: { 'data.yaml': 'x: 1\n' },
    });
    const cli = startCli(['-watch', '-confdir', root, '-file', join(root, 'data.yaml')], { cwd: root });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'v1 1\n', 'first render');
      await writeFile(join(root, 'templates', 'a.tmpl'), 'v2 {{getv "/x"}}\n');
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'v2 1\n', 'the edit applied');
      await writeFile(join(root, 'templates', 'a.tmpl'), 'broken {{getv\n');
      await waitFor(() => /keeping the previous configuration/.test(cli.output()), 'a broken edit refused');
      assert.equal(await readFile(join(root, 'a.conf'), 'utf8'), 'v2 1\n');
      await writeFile(join(root, 'templates', 'a.tmpl'), 'v3 {{getv "/x"}}\n');
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'v3 1\n', 'the repaired edit applied');
      // ctmpl.toml is not watched: only SIGHUP picks up a block added to it.
      await writeFile(join(root, 'b.tpl'), 'b {{ key "x" }}\n');
      await writeFile(join(root, 'ctmpl.toml'), '[[template]]\nsource = "b.tpl"\ndestination = "b.conf"\n');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(await readIfExists(join(root, 'b.conf')), undefined);
      cli.child.kill('SIGHUP');
      await waitFor(async () => (await readIfExists(join(root, 'b.conf'))) === 'b 1\n', 'the new block after SIGHUP');
      assert.equal(cli.child.exitCode, null);
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });

  it('watches files read by the file function and waits for one that is absent', async () => {
    const root = join(dir, 'file-function');
    await writeConfdir(root, { files: { 'data.yaml': 'x: 1\n', 'f.ctmpl': 'motd={{ file "motd.txt" }}' } });
    const once = await runCliInProcess(['-once', '-backend', 'file', '-file', 'data.yaml', '-template', 'f.ctmpl:f.conf', '-lookup-timeout', '500ms', '-confdir', root], { cwd: root });
    assert.equal(once.code, 1);
    assert.match(once.stderr, /no data for file\(.*motd\.txt\)/);
    const cli = startCli(['-backend', 'file', '-file', 'data.yaml', '-template', 'f.ctmpl:f.conf', '-confdir', root], { cwd: root });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await readIfExists(join(root, 'f.conf')), undefined, 'nothing written while the file is absent');
      await writeFile(join(root, 'motd.txt'), 'hello');
      await waitFor(async () => (await readIfExists(join(root, 'f.conf'))) === 'motd=hello', 'the file appeared');
      await writeFile(join(root, 'motd.txt'), 'changed');
      await waitFor(async () => (await readIfExists(join(root, 'f.conf'))) === 'motd=changed', 'the file changed');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });

  it('writes one JSON object per log line with -log-format json', async () => {
    const root = join(dir, 'json-logs');
    await writeConfdir(root, {
      resources: { 'a.toml': '[template]\nsrc = "a.tmpl"\ndest = "a.conf"\n' },
      templates: { 'a.tmpl': '{{getv "/x"}}\n' },
      files: { 'data.yaml': 'x: 1\n' },
    });
    const result = await runCliInProcess(['-onetime', '-confdir', root, '-file', join(root, 'data.yaml'), '-log-format', 'json'], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    assert.deepEqual(lines.map(({ level, component }) => [level, component]), [['info', 'runner']]);
    assert.match(lines[0]!.message!, /a\.conf: created$/);
  });

  it('gives up after -retry-max failed attempts with a non-zero exit', async () => {
    const root = join(dir, 'retry');
    const port = await freePort();
    await writeConfdir(root, { files: { 'k.ctmpl': '{{key "app/x"}}' } });
    const cli = startCli(['-template', 'k.ctmpl:k.conf', '-consul-addr', `127.0.0.1:${port}`, '-retry-max', '2'], { cwd: root });
    const code = await new Promise<number | null>((resolve) => cli.child.on('close', resolve));
    assert.equal(code, 69, cli.output());
    assert.match(cli.output(), /giving up after -retry-max attempts/);
  });
});
