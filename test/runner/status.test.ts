import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, readIfExists, startCliInProcess, waitFor } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { readMetrics } from '../support/metrics.js';
import { freePort } from '../support/ports.js';
import { readStatus, templateStatus } from '../support/status.js';

const resource = (dest: string, extra = '') => `[template]\nsrc = "app.tmpl"\ndest = "${dest}"\nflavor = "consul-template"\n${extra}`;
const template = 'port {{ key "app/port" }} host {{ key "app/host" }}\n';

/** A daemon on the file backend over `data.yaml` under `root`, its status on a free port, warning after 200 ms. */
async function startDaemon(root: string) {
  const port = await freePort();
  const cli = startCliInProcess(
    ['-confdir', root, '-backend', 'file', '-file', join(root, 'data.yaml'), '-watch', '-status-addr', `127.0.0.1:${port}`, '-blocked-warning', '200ms'],
    { cwd: root },
  );
  return { cli, port };
}

describe('the operator\'s view of a daemon', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('names the missing key of a blocked template in the log, /status, the page and /metrics, then the render', async () => {
    const root = join(dir, 'blocked');
    await writeConfdir(root, {
      resources: { 'app.toml': resource('app.conf') },
      templates: { 'app.tmpl': template },
      files: { 'data.yaml': 'app:\n  host: web1\n' },
    });
    const { cli, port } = await startDaemon(root);
    try {
      await waitFor(() => /app\.conf: waiting [\d.]+s for kv\.get\(\/app\/port\) \(no data on file /.test(cli.output()), 'the blocked template named');
      // The warning repeats while the wait lasts, each after a longer pause.
      const waits = (await waitFor(() => {
        const seconds = [...cli.output().matchAll(/app\.conf: waiting ([\d.]+)s for/g)].map((match) => Number(match[1]));
        return seconds.length >= 2 ? seconds : undefined;
      }, 'a second warning'))!;
      // Each pause is as long as the wait so far; the log rounds to 0.1 s.
      assert.ok(waits[1]! >= 2 * waits[0]! - 0.15, `growing intervals: ${waits.join(', ')}`);

      const blocked = (await templateStatus(port, 'app.conf'))!;
      assert.equal(blocked.state, 'waiting');
      assert.deepEqual(blocked.missing, ['kv.get(/app/port)']);
      assert.ok(blocked.waitingSince);
      assert.equal(blocked.lastRender, undefined);
      const byName = Object.fromEntries(blocked.dependencies.map((dep) => [dep.name, dep]));
      assert.equal(byName['kv.get(/app/port)']?.state, 'missing');
      assert.equal(byName['kv.get(/app/host)']?.state, 'data');
      assert.match(byName['kv.get(/app/host)']!.backend, /^file /);
      assert.equal((await readStatus(port)).summary.waiting, 1);
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.match(page, /<meta http-equiv="refresh"/);
      assert.match(page, /class="waiting" data-destination="[^"]*app\.conf"/);
      assert.match(page, /kv\.get\(\/app\/port\)<\/code> missing/);
      assert.equal((await readMetrics(port))[`ctmpl_template_blocked{destination="${join(root, 'app.conf')}"}`], 1);

      await writeFile(join(root, 'data.yaml'), 'app:\n  host: web1\n  port: 8080\n');
      await waitFor(async () => (await readIfExists(join(root, 'app.conf'))) === 'port 8080 host web1\n', 'the render');
      await waitFor(() => /app\.conf: rendered after waiting [\d.]+s for kv\.get\(\/app\/port\)\n/.test(cli.output()), 'the end of the wait logged');
      const rendered = (await templateStatus(port, 'app.conf'))!;
      assert.equal(rendered.state, 'fine');
      assert.deepEqual(rendered.missing, []);
      assert.equal(rendered.waitingSince, undefined);
      assert.ok(rendered.lastRender && rendered.lastWrite);
      assert.ok(rendered.dependencies.every((dep) => dep.state === 'data'));
      const metrics = await readMetrics(port);
      assert.equal(metrics[`ctmpl_template_blocked{destination="${join(root, 'app.conf')}"}`], 0);
      assert.ok(metrics[`ctmpl_template_last_render_timestamp_seconds{destination="${join(root, 'app.conf')}"}`]! > Date.now() / 1000 - 60);
      assert.ok(metrics[`ctmpl_template_render_duration_seconds{destination="${join(root, 'app.conf')}"}`]! >= 0);
      assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), /class="fine" data-destination="[^"]*app\.conf"/);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('names a failing backend, with its error and retries, until it answers again', async () => {
    const root = join(dir, 'failing');
    await writeConfdir(root, {
      resources: { 'app.toml': resource('app.conf') },
      templates: { 'app.tmpl': template },
      files: { 'data.yaml': 'app: [unclosed\n' },
    });
    const { cli, port } = await startDaemon(root);
    try {
      await waitFor(() => /app\.conf: waiting [\d.]+s for kv\.get\(\/app\/port\) \(file [^)]* failing: [^)]*invalid YAML/.test(cli.output()), 'the template names the failing backend');
      await waitFor(() => /\(watcher\) file [^:]*: failing for [\d.]+s \(\d+ failed attempts, watching kv\.get/.test(cli.output()), 'the backend warned about');
      const status = await readStatus(port);
      const backend = status.backends.find((each) => each.address.startsWith('file '))!;
      assert.equal(backend.state, 'failing');
      assert.ok(backend.retries >= 1);
      assert.match(backend.lastError ?? '', /invalid YAML/);
      const dep = status.templates[0]!.dependencies.find((each) => each.name === 'kv.get(/app/port)')!;
      assert.equal(dep.state, 'error');
      assert.match(dep.error ?? '', /invalid YAML/);

      await writeFile(join(root, 'data.yaml'), 'app:\n  host: web1\n  port: 8080\n');
      await waitFor(async () => (await readIfExists(join(root, 'app.conf'))) === 'port 8080 host web1\n', 'the render');
      await waitFor(async () => (await readStatus(port)).backends.every((each) => each.state === 'ok' && each.retries === 0), 'the backend ok again');
      await waitFor(() => /file [^:]*: answers again/.test(cli.output()), 'the recovery logged');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  it('shows the last check and reload with their result, duration and output, and counts reload failures', async () => {
    const root = join(dir, 'commands');
    await writeConfdir(root, {
      resources: { 'app.toml': resource('app.conf', 'check_cmd = "echo checking {{.src}}"\nreload_cmd = "echo reload broke; exit 3"\n') },
      templates: { 'app.tmpl': template },
      files: { 'data.yaml': 'app:\n  host: web1\n  port: 8080\n' },
    });
    const { cli, port } = await startDaemon(root);
    try {
      const failing = (await waitFor(async () => {
        const status = await templateStatus(port, 'app.conf');
        return status?.lastReload ? status : undefined;
      }, 'the reload reported'))!;
      const reload = failing.lastReload!;
      assert.equal(failing.state, 'failing');
      assert.equal(failing.lastCheck?.ok, true);
      assert.match(failing.lastCheck?.outputTail ?? '', /^checking .*\.app\.conf\.ctmpl-/);
      assert.equal(reload.ok, false);
      assert.equal(reload.exitCode, 3);
      assert.equal(reload.outputTail, 'reload broke');
      assert.equal(reload.command, 'echo reload broke; exit 3');
      assert.ok(reload.durationMs > 0);
      assert.equal(failing.reloadFailures, 1);
      assert.match(failing.lastError?.message ?? '', /reload command "echo reload broke; exit 3" failed/);
      const metrics = await readMetrics(port);
      assert.equal(metrics[`ctmpl_template_reload_failures_total{destination="${join(root, 'app.conf')}"}`], 1);
      assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), /class="failing" data-destination=/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});
