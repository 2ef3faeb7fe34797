import { createServer, type Server } from 'node:http';
import { CtmplError, messageOf } from '../errors.js';
import type { RunStats } from './stats.js';

/**
 * `-status-addr host:port`: GET /health answers 200 while the daemon runs; GET /metrics gives
 * Prometheus counters for renders, writes, reloads, watches and backend errors.
 */
export async function startStatusServer(address: string, stats: RunStats): Promise<Server> {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new CtmplError('USAGE', `-status-addr: want host:port, not "${address}"`);
  const server = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
    } else if (request.url === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText(stats));
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

function metricsText(stats: RunStats): string {
  const lines = [
    ['ctmpl_renders_total', 'counter', 'Template renders.', stats.renders],
    ['ctmpl_writes_total', 'counter', 'Destination files written.', stats.writes],
    ['ctmpl_reloads_total', 'counter', 'Reload commands run.', stats.reloads],
    ['ctmpl_watches', 'gauge', 'Distinct dependencies watched.', stats.watches],
    ['ctmpl_backend_errors_total', 'counter', 'Backend failures (once per outage per dependency).', stats.backendErrors],
  ] as const;
  return lines.map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`).join('');
}
