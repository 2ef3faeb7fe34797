import { createServer, type Server } from 'node:http';
import { CtmplError, messageOf } from '../errors.js';
import type { RunStats } from './stats.js';
import type { DaemonStatus } from './status.js';
import { statusPage } from './status-page.js';

/**
 * `-status-addr host:port`: GET / is the status page (HTML), GET /status the same state as
 * JSON, GET /health answers 200 while the daemon runs, GET /metrics gives Prometheus counters
 * for the run and series per template (with -dedup, its fleet role).
 */
export async function startStatusServer(address: string, stats: RunStats, status: () => DaemonStatus): Promise<Server> {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new CtmplError('USAGE', `-status-addr: want host:port, not "${address}"`);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://status').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
    } else if (path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText(stats, status()));
    } else if (path === '/status') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify(status(), null, 2)}\n`);
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(statusPage(status()));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new CtmplError('USAGE', `-status-addr ${address}: ${messageOf(error)}`, { cause: error })));
    server.listen(Number(match[2]), match[1] || '127.0.0.1', () => resolve());
  });
  return server;
}

type Sample = readonly [labels: string, value: number];
type Family = [name: string, type: string, help: string, samples: Sample[]];

function metricsText(stats: RunStats, status: DaemonStatus): string {
  const label = (destination: string) => `{destination="${destination.replace(/[\\"]/g, '\\$&').replaceAll('\n', '\\n')}"}`;
  const perTemplate = (value: (template: DaemonStatus['templates'][number]) => number | undefined): Sample[] =>
    status.templates.flatMap((template) => {
      const sample = value(template);
      return sample === undefined ? [] : [[label(template.destination), sample] as const];
    });
  // Fleet mode (-dedup) only.
  const fleetFamilies: Family[] = status.templates.some((t) => t.fleet) ? [
    ['ctmpl_template_fleet_leader', 'gauge', '1 while this instance leads the template\'s fleet (watches and publishes).', perTemplate((t) => t.fleet && Number(t.fleet.role === 'leader'))],
    ['ctmpl_template_fleet_follower', 'gauge', '1 while this instance renders the template from its fleet\'s published data.', perTemplate((t) => t.fleet && Number(t.fleet.role === 'follower'))],
  ] : [];
  const families: Family[] = [
    ['ctmpl_renders_total', 'counter', 'Template renders.', [['', stats.renders]]],
    ['ctmpl_writes_total', 'counter', 'Destination files written.', [['', stats.writes]]],
    ['ctmpl_reloads_total', 'counter', 'Reload commands run.', [['', stats.reloads]]],
    ['ctmpl_watches', 'gauge', 'Distinct dependencies watched.', [['', stats.watches]]],
    ['ctmpl_backend_errors_total', 'counter', 'Backend failures (once per outage per dependency).', [['', stats.backendErrors]]],
    ['ctmpl_template_render_duration_seconds', 'gauge', 'Duration of the last complete render.', perTemplate((t) => t.lastRender && t.lastRender.durationMs / 1000)],
    ['ctmpl_template_last_render_timestamp_seconds', 'gauge', 'When the last complete render finished (Unix time).', perTemplate((t) => t.lastRender && Date.parse(t.lastRender.at) / 1000)],
    ['ctmpl_template_blocked', 'gauge', '1 while the template waits for dependencies without data.', perTemplate((t) => (t.missing.length > 0 ? 1 : 0))],
    ['ctmpl_template_reload_failures_total', 'counter', 'Failed runs of the template\'s reload command.', perTemplate((t) => t.reloadFailures)],
    ...fleetFamilies,
  ];
  return families
    .map(([name, type, help, samples]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.map(([labels, value]) => `${name}${labels} ${value}\n`).join('')}`)
    .join('');
}
