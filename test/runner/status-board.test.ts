import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../src/config/resource.js';
import type { CommandResult } from '../../src/runner/commands.js';
import { StatusBoard } from '../../src/runner/status-board.js';
import { statusPage } from '../../src/runner/status-page.js';
import type { FleetStatus } from '../../src/runner/status.js';
import { dependencyKey, type Dependency } from '../../src/types/dependency.js';
import { waitFor } from '../support/cli.js';
import { memoryLogger } from '../support/watch.js';

const port: Dependency = { type: 'kv.get', key: '/app/port' };
const host: Dependency = { type: 'kv.get', key: '/app/host' };
const secret: Dependency = { type: 'vault.read', path: 'secret/db' };

function resourceFor(dest: string): Resource {
  return { origin: 'conf.d/app.toml', src: '/etc/confd/templates/app.tmpl', dest, prefix: '/', dialect: 'go', flavor: 'confd', errorOnMissingKey: false, backup: false };
}

function boardWith(...dests: string[]) {
  return fleetBoardWith(undefined, ...dests);
}

/** A board whose templates have the fleet roles `fleetOf` gives (none: fleet mode off). */
function fleetBoardWith(fleetOf: ((resource: Resource) => FleetStatus | undefined) | undefined, ...dests: string[]) {
  const logger = memoryLogger();
  const addressOf = (dep: Dependency) => (dep.type === 'vault.read' ? 'vault https://vault:8200' : 'etcd http://user:hunter2@127.0.0.1:2379');
  const board = new StatusBoard({ backend: 'etcd http://user:hunter2@127.0.0.1:2379', addressOf, blockedWarningMs: 50, logger, mode: 'watch', ...(fleetOf ? { fleetOf } : {}) });
  const resources = dests.map(resourceFor);
  board.setTemplates(resources);
  return { board, logger, resources };
}

const uses = (...deps: Dependency[]) => new Map(deps.map((dep) => [dependencyKey(dep), dep]));

describe('the status board', () => {
  it('names every missing dependency with its reason after the threshold, and the end of the wait', async () => {
    const { board, logger, resources } = boardWith('/etc/app.conf');
    try {
      board.dependencyData(host);
      board.rendered(resources[0]!, { used: uses(port, host), missing: uses(port) }, 1);
      await waitFor(() => logger.lines.some((line) => line.startsWith('warn /etc/app.conf: waiting')), 'the warning');
      assert.match(logger.lines.find((line) => line.includes('waiting'))!, /^warn \/etc\/app\.conf: waiting [\d.]+s for kv\.get\(\/app\/port\) \(no answer yet from etcd http:\/\/user:hunter2@127\.0\.0\.1:2379\)$/);
      board.dependencyData(port);
      board.rendered(resources[0]!, { used: uses(port, host), missing: new Map(), output: '' }, 2);
      assert.match(logger.lines.at(-1)!, /^info \/etc\/app\.conf: rendered after waiting [\d.]+s for kv\.get\(\/app\/port\)$/);
      assert.equal(board.status().templates[0]!.state, 'fine');
    } finally {
      board.stop();
    }
  });

  it('warns about nothing when the template renders within the threshold', async () => {
    const { board, logger, resources } = boardWith('/etc/quick.conf', '/etc/slow.conf');
    try {
      board.rendered(resources[0]!, { used: uses(port), missing: uses(port) }, 1);
      board.rendered(resources[1]!, { used: uses(host), missing: uses(host) }, 1);
      board.rendered(resources[0]!, { used: uses(port), missing: new Map(), output: '' }, 1);
      // The slow template's warning comes after the quick one's threshold has passed too.
      await waitFor(() => logger.lines.some((line) => line.includes('/etc/slow.conf: waiting')), 'the slow template named');
      assert.ok(!logger.lines.some((line) => line.includes('/etc/quick.conf')), logger.lines.join('\n'));
    } finally {
      board.stop();
    }
  });

  it('shows no secret: Vault values in command output are masked, credentials in addresses and errors too', () => {
    const { board, resources } = boardWith('/etc/db.conf');
    const check: CommandResult = { command: 'check-db', ok: false, exitCode: 1, timedOut: false, outputTail: 'bad password s3cr3t-value', durationMs: 12 };
    board.rendered(resources[0]!, { used: uses(secret, port), missing: new Map(), output: '' }, 1, ['s3cr3t-value']);
    board.checked('/etc/db.conf', check);
    board.processed('/etc/db.conf', { didRender: false, error: 'check command "check-db" exited with status 1: bad password s3cr3t-value' });
    board.dependencyHealth(port, { error: 'etcd http://user:hunter2@127.0.0.1:2379: connect ECONNREFUSED', attempt: 3 });
    const text = JSON.stringify(board.status());
    board.stop();
    assert.ok(!text.includes('s3cr3t-value'), text);
    assert.ok(!text.includes('hunter2'), text);
    const template = board.status().templates[0]!;
    assert.equal(template.state, 'failing');
    assert.equal(template.lastCheck?.outputTail, 'bad password ***');
    assert.deepEqual(board.status().backends.map((backend) => [backend.address, backend.state, backend.retries]), [
      ['etcd http://user:xxxxx@127.0.0.1:2379', 'failing', 3],
      ['vault https://vault:8200', 'connecting', 0],
    ]);
  });

  it('stops warning about a backend once its failing dependency is no longer watched', async () => {
    const { board, logger, resources } = boardWith('/etc/app.conf');
    try {
      board.rendered(resources[0]!, { used: uses(port), missing: uses(port) }, 1);
      board.dependencyHealth(port, { error: 'connect ECONNREFUSED', attempt: 1 });
      await waitFor(() => logger.lines.some((line) => /^warn etcd \S+: failing for [\d.]+s \(1 failed attempts, watching kv\.get\(\/app\/port\)\): connect ECONNREFUSED$/.test(line)), 'the backend named');
      board.dependencyDropped(port);
      assert.match(logger.lines.at(-1)!, /^info etcd \S+: answers again$/);
      assert.equal(board.status().backends[0]!.state, 'connecting');
    } finally {
      board.stop();
    }
  });

  it('draws a page whose text cannot inject markup', () => {
    const { board, resources } = boardWith('/etc/<script>alert(1)</script>.conf');
    board.rendered(resources[0]!, { used: uses({ type: 'kv.get', key: '/"><img src=x>' }), missing: new Map(), output: '' }, 1);
    const page = statusPage(board.status());
    board.stop();
    assert.ok(!/<script|<img/.test(page), page);
    assert.match(page, /&#60;script&#62;alert\(1\)&#60;\/script&#62;\.conf/);
    assert.match(page, /<meta http-equiv="refresh" content="5">/);
    assert.ok(!/src=["']?http|href=["']?http|<link/.test(page), 'no external asset');
  });

  it('shows each template\'s fleet role in fleet mode only: in /status, in a page column and in the page\'s header', () => {
    const roles: Record<string, FleetStatus> = {
      '/etc/a.conf': { role: 'leader', key: 'ctmpl/dedup/aa/data', since: '2026-01-01T00:00:00.000Z', lastPublished: { at: '2026-01-01T00:00:01.000Z', bytes: 120, direct: false } },
      '/etc/b.conf': { role: 'follower', key: 'ctmpl/dedup/bb/data', since: '2026-01-01T00:00:00.000Z', lastReceived: { at: '2026-01-01T00:00:02.000Z', version: '17' } },
      '/etc/c.conf': { role: 'follower', key: 'ctmpl/dedup/cc/data', since: '2026-01-01T00:00:00.000Z' },
      '/etc/d.conf': { role: 'candidate', key: 'ctmpl/dedup/dd/data', since: '2026-01-01T00:00:00.000Z' },
    };
    const cases = [
      { name: 'fleet mode', fleetOf: (resource: Resource) => roles[resource.dest], header: /<div class="meta" id="fleet">fleet: leader of 1, follower of 2, waiting for a leader's data on 1<\/div>/ },
      { name: 'no fleet mode', fleetOf: undefined, header: undefined },
    ];
    for (const { name, fleetOf, header } of cases) {
      const { board } = fleetBoardWith(fleetOf, ...Object.keys(roles));
      const status = board.status();
      board.stop();
      const page = statusPage(status);
      if (!header) {
        assert.ok(status.templates.every((template) => !('fleet' in template)), name);
        assert.ok(!page.includes('<th>Fleet</th>') && !page.includes('id="fleet"'), name);
        continue;
      }
      assert.deepEqual(status.templates.map((template) => template.fleet), Object.values(roles), name);
      assert.match(page, header, name);
      assert.match(page, /<th>Destination<\/th><th>Fleet<\/th>/, name);
      assert.match(page, /<span class="badge leader">leader<\/span>.*<code>ctmpl\/dedup\/aa\/data<\/code><br><small>published 120 bytes/, name);
      assert.match(page, /<span class="badge follower">follower<\/span>.*<code>ctmpl\/dedup\/bb\/data<\/code><br><small>read version 17 /, name);
    }
  });
});
