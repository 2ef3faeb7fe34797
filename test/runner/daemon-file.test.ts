import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, runCliInProcess, startCliInProcess, waitFor } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { readMetrics } from '../support/metrics.js';
import { freePort } from '../support/ports.js';

const template = '{{range gets "/app/servers/*"}}server {{.Value}}\n{{end}}';
const resource = (dest: string, extra = '') => `[template]\nsrc = "s.tmpl"\ndest = "${dest}"\nkeys = ["/app/servers"]\n${extra}`;
const data = (servers: string[]) => `app:\n  servers:\n${servers.map((s, i) => `    web${i + 1}: ${s}\n`).join('')}`;

describe('the daemon on the file backend', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('follows data changes, keeps going after a failing reload and retries it on the next change', async () => {
    const root = join(dir, 'follow');
    await writeConfdir(root, {
      resources: {
        'a.toml': resource('a.conf', 'reload_cmd = "echo r >> reloads; test -f ok"\n'),
        'b.toml': resource('b.conf', 'reload_cmd = "echo r >> reloads; test -f ok"\n'),
      },
      templates: { 's.tmpl': template },
      files: { 'data.yaml': data(['10.0.0.1:80']) },
    });
    const port = await freePort();
    const cli = startCliInProcess(['-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml'), '-watch', '-status-addr', `127.0.0.1:${port}`, '-log-level', 'debug'], { cwd: root });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'server 10.0.0.1:80\n', 'first render');
      await waitFor(async () => (await readIfExists(join(root, 'reloads'))) === 'r\n', 'one reload for two resources');
      await waitFor(() => /reload command "echo r >> reloads; test -f ok" exited with status 1/.test(cli.output()), 'the failure logged');

      await writeFile(join(root, 'ok'), '');
      await writeFile(join(root, 'data.yaml'), data(['10.0.0.1:80', '10.0.0.2:80']));
      await waitFor(async () => (await readIfExists(join(root, 'b.conf'))) === 'server 10.0.0.1:80\nserver 10.0.0.2:80\n', 'change rendered');
      await waitFor(async () => (await readIfExists(join(root, 'reloads'))) === 'r\nr\n', 'reload retried once');
      const counters = await readMetrics(port);
      assert.equal(counters.ctmpl_watches, 1);
      assert.equal(((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string }).status, 'ok');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('keeps the last good file when the data becomes unreadable', async () => {
    const root = join(dir, 'outage');
    await writeConfdir(root, {
      resources: { 'a.toml': resource('a.conf') },
      templates: { 's.tmpl': template },
      files: { 'data.yaml': data(['10.0.0.1:80']) },
    });
    const cli = startCliInProcess(['-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml'), '-watch'], { cwd: root });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'server 10.0.0.1:80\n', 'first render');
      await writeFile(join(root, 'data.yaml'), 'app: [unclosed\n');
      await waitFor(() => /invalid YAML/.test(cli.output()), 'the failure logged');
      assert.equal(await readFile(join(root, 'a.conf'), 'utf8'), 'server 10.0.0.1:80\n');
      await writeFile(join(root, 'data.yaml'), data(['10.0.0.9:80']));
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'server 10.0.0.9:80\n', 'recovery');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('re-reads the data every -interval seconds in confd interval mode', async () => {
    const root = join(dir, 'interval');
    await writeConfdir(root, {
      resources: { 'a.toml': resource('a.conf') },
      templates: { 's.tmpl': template },
      files: { 'data.yaml': data(['10.0.0.1:80']) },
    });
    const cli = startCliInProcess(['-interval', '1', '-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml')], { cwd: root });
    try {
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'server 10.0.0.1:80\n', 'first render');
      assert.match(cli.output(), /\(interval 1s\)/);
      await writeFile(join(root, 'data.yaml'), data(['10.0.0.5:80']));
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'server 10.0.0.5:80\n', 'the next poll');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('kills a hanging reload at -command-timeout, logs it and keeps running', async () => {
    const root = join(dir, 'hanging');
    await writeConfdir(root, {
      resources: { 'a.toml': resource('a.conf', 'reload_cmd = "echo started; sleep 30"\n') },
      templates: { 's.tmpl': template },
      files: { 'data.yaml': data(['10.0.0.1:80']) },
    });
    const cli = startCliInProcess(['-watch', '-command-timeout', '500ms', '-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml')], { cwd: root });
    try {
      await waitFor(() => /reload command "echo started; sleep 30" timed out after 500 ms: started/.test(cli.output()), 'the timeout logged with the output tail');
      await writeFile(join(root, 'data.yaml'), data(['10.0.0.7:80']));
      await waitFor(async () => (await readIfExists(join(root, 'a.conf'))) === 'server 10.0.0.7:80\n', 'still following changes');
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
  });

  it('exits non-zero in once mode when a reload fails, after writing the file', async () => {
    const root = join(dir, 'once-reload');
    await writeConfdir(root, {
      resources: { 'a.toml': resource('a.conf', 'reload_cmd = "exit 3"\n') },
      templates: { 's.tmpl': template },
      files: { 'data.yaml': data(['10.0.0.1:80']) },
    });
    const result = await runCliInProcess(['-onetime', '-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml')], { cwd: root });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /reload command "exit 3" exited with status 3/);
    assert.equal(await readIfExists(join(root, 'a.conf')), 'server 10.0.0.1:80\n');
  });
});
