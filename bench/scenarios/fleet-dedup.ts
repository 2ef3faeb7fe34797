import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTempDir, startCli, waitFor } from '../../test/support/cli.js';
import { startConsulAgent } from '../../test/support/consul-agent.js';
import { median, type Measurement, type ScenarioResult } from '../report.js';
import { findPeer, startPeer } from '../support/peers.js';

const SERVICES = 20;
const CLOCK_TICK_MS = 10;

/** The full run is the issue's; the tiny one (the suite's smoke test) only proves the scenario runs. */
interface Plan {
  readonly agents: number;
  readonly changes: number;
  readonly settleMs: number;
  readonly idleMs: number;
  /** Kill half the fleet and time the rest (at least 15 s: Consul's session TTL). */
  readonly failover: boolean;
  readonly withPeer: boolean;
}

function planOf(size: 'full' | 'tiny'): Plan {
  if (size === 'tiny') return { agents: 2, changes: 1, settleMs: 500, idleMs: 1_000, failover: false, withPeer: false };
  return { agents: Number(process.env.CTMPL_BENCH_FLEET_AGENTS) || 50, changes: 5, settleMs: 3_000, idleMs: 10_000, failover: true, withPeer: true };
}

interface Tool {
  readonly label: string;
  /** Starts instance `i` writing `dest` through Consul at `address`. */
  start(i: number, dest: string, address: string, cwd: string): { pid: number | undefined; output(): string; kill(signal: NodeJS.Signals): void; stop(): Promise<unknown> };
  /** Whether an instance's output says it leads the template. */
  isLeader(output: string): boolean;
}

interface FleetFigures {
  connections: number;
  idleRequestsPer10s: number;
  requestsPerChange: number;
  consulCpuMsPerChange: number;
  keyConvergenceMs: number;
  serviceConvergenceMs: number;
  pssMiB: number;
  failoverSeconds?: number;
}

/**
 * Fleet mode: N daemons render one template (20 services × 2 instances + 2 keys) from one real
 * Consul agent behind a proxy that counts requests, ctmpl -dedup and consul-template -dedup in turn.
 */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const plan = planOf(size);
  const { agents } = plan;
  const consul = await startConsulAgent();
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-fleet-');
  const proxy = await startCountingProxy(consul.port);
  try {
    const consulPid = pidListeningOn(consul.port);
    for (let s = 0; s < SERVICES; s++) {
      for (let i = 0; i < 2; i++) {
        await consul.registerService({ ID: `svc${s}-${i}`, Name: `svc${s}`, Address: `10.1.${s}.${i}`, Port: 8080, Tags: [], Status: 'passing' });
      }
    }
    const lines = Array.from({ length: SERVICES }, (_, s) => `svc${s}:{{ range service "svc${s}" }} {{ .Address }}:{{ .Port }}{{ end }}`);
    await writeFile(join(dir, 'fleet.ctmpl'), `${lines.join('\n')}\na={{ key "fleet/a" }}\nb={{ key "fleet/b" }}\n`);
    const tools: Tool[] = [ctmplTool()];
    const peer = plan.withPeer ? findPeer('consul-template') : undefined;
    if (peer) tools.push(consulTemplateTool(peer));
    const figures = new Map<string, FleetFigures>();
    let round = 0;
    for (const tool of tools) {
      figures.set(tool.label, await measureFleet(tool, { plan, dir: join(dir, tool.label), proxy, consul, consulPid, round: ++round }));
    }
    const ours = figures.get('ctmpl')!;
    const theirs = figures.get('consul-template');
    const row = (metric: string, unit: string, pick: (f: FleetFigures) => number | undefined): Measurement[] => {
      const value = pick(ours);
      const baseline = theirs && pick(theirs);
      if (value === undefined) return [];
      return [{ metric, unit, value, ...(baseline !== undefined ? { baseline: { label: 'consul-template -dedup', value: baseline } } : {}) }];
    };
    return {
      scenario: 'fleet-dedup',
      title: `${agents} daemons in fleet mode (-dedup) on one Consul agent: one template of ${SERVICES} services × 2 instances + 2 keys`,
      method: `each tool in turn: ${agents} daemons rendering one template through a counting HTTP proxy in front of one real consul agent -dev; `
        + 'held connections: ESTABLISHED sockets on the proxy\'s port (/proc/net/tcp) after settling; idle requests counted over 10 s; '
        + `per change (${plan.changes} key PUTs, ${plan.changes} service registrations): requests through the proxy and the agent's utime+stime (/proc/PID/stat) from the PUT until every file shows it plus 300 ms, `
        + 'convergence = from the PUT to the newest mtime of the files once all show it (polled every 50 ms), median; PSS: mean of /proc/PID/smaps_rollup over the daemons; '
        + 'failover: half the daemons (the leader among them) killed -9, then a key PUT: seconds until every remaining file shows it',
      size,
      measurements: [
        ...row('held connections', 'conns', (f) => f.connections),
        ...row('idle requests / 10 s', 'req', (f) => f.idleRequestsPer10s),
        ...row('requests per change', 'req', (f) => f.requestsPerChange),
        ...row('Consul CPU per change', 'ms', (f) => f.consulCpuMsPerChange),
        ...row('all follow a key change (p50)', 'ms', (f) => f.keyConvergenceMs),
        ...row('all follow a service change (p50)', 'ms', (f) => f.serviceConvergenceMs),
        ...row('PSS per daemon', 'MiB', (f) => f.pssMiB),
        ...row('half killed -9: the rest follow after', 's', (f) => f.failoverSeconds),
      ],
    };
  } finally {
    await proxy.close();
    await consul.close();
    await cleanup();
  }
}

interface FleetRun {
  readonly plan: Plan;
  readonly dir: string;
  readonly proxy: CountingProxy;
  readonly consul: Awaited<ReturnType<typeof startConsulAgent>>;
  readonly consulPid: number;
  readonly round: number;
}

async function measureFleet(tool: Tool, { plan, dir, proxy, consul, consulPid, round }: FleetRun): Promise<FleetFigures> {
  const { agents } = plan;
  await mkdir(dir, { recursive: true });
  // Each tool starts from the same data.
  await consul.putKey('fleet/a', 'a0');
  await consul.putKey('fleet/b', 'b0');
  await writeFile(join(dir, 'fleet.ctmpl'), await readFile(join(dir, '..', 'fleet.ctmpl')));
  const address = `127.0.0.1:${proxy.port}`;
  const dests = Array.from({ length: agents }, (_, i) => join(dir, `out${i}`));
  const instances = [];
  for (let i = 0; i < agents; i++) {
    instances.push(tool.start(i, dests[i]!, address, dir));
    await delay(20);
  }
  // Polled slowly (the harness must not take the CPU the daemons need); the times come from the files' mtimes.
  const showing = (ds: readonly string[], text: string) => waitFor(async () => (await Promise.all(ds.map((d) => readFile(d, 'utf8').catch(() => '')))).every((content) => content.includes(text)), text, 120_000, 50);
  const lastWritten = async (ds: readonly string[]) => Math.max(...(await Promise.all(ds.map(async (d) => (await stat(d)).mtimeMs))));
  try {
    await showing(dests, `a=a0\n`);
    await delay(plan.settleMs);
    // Known now, while the outputs are short (a peer's output is kept to its last 4 000 characters).
    const leader = instances.findIndex((instance) => tool.isLeader(instance.output()));
    const connections = establishedOn(proxy.port);
    const idleStart = proxy.count();
    await delay(plan.idleMs);
    const idleRequestsPer10s = ((proxy.count() - idleStart) * 10_000) / plan.idleMs;
    const requests: number[] = [];
    const cpu: number[] = [];
    const change = async (put: () => Promise<void>, text: string): Promise<number> => {
      const [count, ticks, started] = [proxy.count(), cpuTicks(consulPid), Date.now()];
      await put();
      await showing(dests, text);
      const took = (await lastWritten(dests)) - started;
      await delay(300);
      requests.push(proxy.count() - count);
      cpu.push((cpuTicks(consulPid) - ticks) * CLOCK_TICK_MS);
      return took;
    };
    const keyTimes: number[] = [];
    for (let j = 1; j <= plan.changes; j++) keyTimes.push(await change(() => consul.putKey('fleet/a', `r${round}k${j}`), `a=r${round}k${j}\n`));
    const serviceTimes: number[] = [];
    for (let j = 1; j <= plan.changes; j++) {
      const addr = `10.${100 + round}.0.${j}`;
      serviceTimes.push(await change(() => consul.registerService({ ID: `svc0-r${round}-${j}`, Name: 'svc0', Address: addr, Port: 8080, Tags: [], Status: 'passing' }), `${addr}:8080`));
    }
    const pss = instances.map((instance) => pssKb(instance.pid) / 1024);
    const figures: FleetFigures = {
      connections,
      idleRequestsPer10s,
      requestsPerChange: median(requests),
      consulCpuMsPerChange: median(cpu),
      keyConvergenceMs: median(keyTimes),
      serviceConvergenceMs: median(serviceTimes),
      pssMiB: pss.reduce((a, b) => a + b, 0) / pss.length,
    };
    if (!plan.failover) return figures;
    // Half the fleet, the leader among them, killed -9; the rest must follow the next change.
    const killed = new Set([Math.max(leader, 0), ...Array.from({ length: agents }, (_, i) => i).filter((i) => i !== leader).slice(0, Math.floor(agents / 2) - 1)]);
    for (const i of killed) instances[i]!.kill('SIGKILL');
    const killedAt = Date.now();
    await consul.putKey('fleet/b', `r${round}failover`);
    const rest = dests.filter((_, i) => !killed.has(i));
    await showing(rest, `b=r${round}failover\n`);
    return { ...figures, failoverSeconds: ((await lastWritten(rest)) - killedAt) / 1000 };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    for (let j = 1; j <= plan.changes; j++) await consul.deregisterService(`svc0-r${round}-${j}`).catch(() => undefined);
  }
}

function ctmplTool(): Tool {
  return {
    label: 'ctmpl',
    start(_i, dest, address, cwd) {
      const cli = startCli(['-consul-addr', address, '-dedup', '-template', `fleet.ctmpl:${dest}`], { cwd });
      return { pid: cli.child.pid, output: cli.output, kill: (signal) => cli.child.kill(signal), stop: () => cli.stop() };
    },
    isLeader: (output) => output.lastIndexOf('leading:') > output.lastIndexOf('following the published data'),
  };
}

function consulTemplateTool(binary: string): Tool {
  return {
    label: 'consul-template',
    start(_i, dest, address, cwd) {
      const peer = startPeer(binary, ['-consul-addr', address, '-dedup', '-template', `fleet.ctmpl:${dest}`, '-log-level', 'info'], cwd);
      return { pid: peer.child.pid, output: peer.output, kill: (signal) => peer.child.kill(signal), stop: () => peer.stop() };
    },
    isLeader: (output) => output.includes('acquired lock'),
  };
}

interface CountingProxy {
  readonly port: number;
  count(): number;
  close(): Promise<void>;
}

/** An HTTP proxy to the agent that counts the requests it forwards (blocking queries included). */
async function startCountingProxy(consulPort: number): Promise<CountingProxy> {
  let count = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const server = createServer((req, res) => {
    count += 1;
    const upstream = httpRequest({ host: '127.0.0.1', port: consulPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => count,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}

/** ESTABLISHED TCP sockets whose local port is `port` (the server side of each client connection). */
function establishedOn(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1)).filter((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1]?.endsWith(`:${hex}`) && fields[3] === '01';
  }).length;
}

/** The pid of the consul process serving HTTP on `port` (its command line names the port). */
function pidListeningOn(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })();
    if (cmdline[0]?.endsWith('consul') && cmdline.includes('-http-port') && cmdline[cmdline.indexOf('-http-port') + 1] === String(port)) return Number(entry);
  }
  throw new Error(`no consul process with -http-port ${port}`);
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function pssKb(pid: number | undefined): number {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? Number.NaN);
}
