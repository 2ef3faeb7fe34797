import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, watch } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { makeTempDir, startCli } from '../../test/support/cli.js';
import { startConsulSimulator } from '../../test/support/consul-simulator.js';
import { median, percentile, round, summarize, type Measurement, type ScenarioResult } from '../report.js';
import { startConsulAgent } from '../support/consul-agent.js';
import { findPeer, startPeer } from '../support/peers.js';

/** What a fleet scenario runs: how many daemons, how many keys each template reads, how many changes. */
interface FleetPlan {
  readonly daemons: number;
  readonly keys: number;
  readonly rounds: number;
  readonly changes: number;
  readonly unmeasured: number;
  readonly settleMs: number;
}

/** A running daemon of either tool: its process and a way to stop it by its PID. */
interface FleetMember {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<unknown>;
}

/** One round of one tool: PSS of each daemon once settled, and the all-files convergence time of each change. */
interface RoundResult {
  readonly pssMiB: number[];
  readonly convergenceMs: number[];
}

const keyName = (i: number) => `fleet/k${String(i).padStart(2, '0')}`;

/** A template reading `keys` Consul keys: `keys` dependencies, the first of which changes. */
function fleetTemplate(keys: number): string {
  return Array.from({ length: keys }, (_, i) => `${keyName(i)}={{key "${keyName(i)}"}}\n`).join('');
}

/**
 * Scenario 9: many small sidecars on one host. N `-template` daemons, each with its own
 * destination and the same template of K Consul keys, on one Consul; consul-template's fleet on
 * the same agent in alternate rounds. Per daemon: PSS (/proc/PID/smaps_rollup, shared pages split
 * between the processes that map them, so what one more daemon costs the host) once settled;
 * per change: the time from the KV write until every daemon's file holds the new value.
 */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const plan: FleetPlan = size === 'full'
    ? { daemons: 20, keys: 22, rounds: 2, changes: 30, unmeasured: 3, settleMs: 3_000 }
    : { daemons: 3, keys: 4, rounds: 1, changes: 2, unmeasured: 1, settleMs: 200 };
  const consul = await openConsul(size, plan.keys);
  const consulTemplate = consul.isReal ? findPeer('consul-template') : undefined;
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    await writeFile(join(dir, 'fleet.ctmpl'), fleetTemplate(plan.keys));
    const ctmpl: RoundResult[] = [];
    const peer: RoundResult[] = [];
    let version = 0;
    const runRound = async (label: string, start: (i: number) => FleetMember, file: (i: number) => string): Promise<RoundResult> => {
      const dests = Array.from({ length: plan.daemons }, (_, i) => join(dir, file(i)));
      await Promise.all(dests.map((dest) => rm(dest, { force: true })));
      const current = `v${version}`;
      await consul.put(keyName(0), current);
      const members: FleetMember[] = [];
      try {
        for (let i = 0; i < plan.daemons; i++) members.push(start(i));
        await waitAll(dests, `${keyName(0)}=${current}\n`, `${label}: every daemon rendered`, 60_000);
        await delay(plan.settleMs);
        const pssMiB = members.map((member) => readPssMiB(member.child.pid));
        const convergenceMs: number[] = [];
        for (let change = 0; change < plan.unmeasured + plan.changes; change++) {
          const value = `v${++version}`;
          const started = performance.now();
          const written = waitAll(dests, `${keyName(0)}=${value}\n`, `${label}: every daemon followed change ${value}`);
          await consul.put(keyName(0), value);
          const doneAt = await written;
          if (change >= plan.unmeasured) convergenceMs.push(doneAt - started);
          await delay(60);
        }
        return { pssMiB, convergenceMs };
      } catch (error) {
        throw new Error(`${String(error)}\n--- first daemon's output (tail) ---\n${members[0]?.output().slice(-2000)}`, { cause: error });
      } finally {
        await Promise.all(members.map((member) => member.stop()));
      }
    };
    for (let round = 0; round < plan.rounds; round++) {
      ctmpl.push(await runRound('ctmpl', (i) => startCli(['-template', `fleet.ctmpl:ctmpl-${i}.out`, '-consul-addr', consul.address, '-log-level', 'warn'], { cwd: dir }), (i) => `ctmpl-${i}.out`));
      if (consulTemplate) {
        peer.push(await runRound('consul-template', (i) => startPeer(consulTemplate, ['-template', `fleet.ctmpl:peer-${i}.out`, '-consul-addr', consul.address, '-log-level', 'err'], dir), (i) => `peer-${i}.out`));
      }
    }
    const floor = await idleNodePss(plan.daemons, plan.settleMs);
    const pss = ctmpl.flatMap((r) => r.pssMiB);
    const convergence = ctmpl.flatMap((r) => r.convergenceMs);
    const peerPss = peer.flatMap((r) => r.pssMiB);
    const peerConvergence = peer.flatMap((r) => r.convergenceMs);
    const measurements: Measurement[] = [summarize('PSS per daemon', 'MiB', pss, { label: 'bare node', value: median(floor) })];
    if (consulTemplate) measurements.push(summarize('PSS per daemon vs consul-template', 'MiB', pss, { label: 'consul-template', value: median(peerPss) }));
    measurements.push(convergenceRow(`all ${plan.daemons} files follow a change`, convergence, consulTemplate ? { label: 'consul-template', value: median(peerConvergence) } : undefined));
    if (consulTemplate) measurements.push(convergenceRow(`all ${plan.daemons} files follow a change: consul-template`, peerConvergence));
    return {
      scenario: 'fleet-footprint',
      title: `${plan.daemons} -template daemons of ${plan.keys} Consul keys each on one ${consul.description}`,
      method: `${plan.daemons} daemons started together on one ${consul.description}, each rendering the same template of ${plan.keys} \`key\` dependencies to its own file; ${plan.settleMs} ms after all rendered, PSS of each from /proc/PID/smaps_rollup; then ${plan.changes} changes of one key (after ${plan.unmeasured} unmeasured, 60 ms apart), each timed from the KV write until every file holds the new value (fs.watch + 5 ms poll); ${plan.rounds} round(s)${consulTemplate ? ', alternated with the same fleet of consul-template 0.20 on the same agent' : ' (no consul-template peer)'}; floor: ${plan.daemons} idle \`node -e "setInterval(…)"\` processes, PSS read the same way`,
      size,
      measurements,
    };
  } finally {
    await consul.close();
    await cleanup();
  }
}

function convergenceRow(metric: string, samples: readonly number[], baseline?: Measurement['baseline']): Measurement {
  const detail = `p90 ${round(percentile(samples, 90))}, p99 ${round(percentile(samples, 99))}, max ${round(Math.max(...samples))} (n=${samples.length})`;
  return { metric, unit: 'ms', value: median(samples), detail, samples, ...(baseline ? { baseline } : {}) };
}

interface FleetConsul {
  readonly address: string;
  readonly description: string;
  readonly isReal: boolean;
  put(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** A real agent when `consul` is on PATH (full size), else the in-repo simulator; every key written. */
async function openConsul(size: 'full' | 'tiny', keys: number): Promise<FleetConsul> {
  if (size === 'full' && findPeer('consul')) {
    const agent = await startConsulAgent();
    for (let i = 0; i < keys; i++) await agent.put(keyName(i), `v${i}`);
    return { address: agent.address, description: 'real `consul agent -dev`', isReal: true, put: (key, value) => agent.put(key, value), close: () => agent.close() };
  }
  const simulator = await startConsulSimulator();
  for (let i = 0; i < keys; i++) simulator.putKey(keyName(i), `v${i}`);
  return {
    address: `127.0.0.1:${simulator.port}`, description: 'Consul simulator', isReal: false,
    put: async (key, value) => simulator.putKey(key, value),
    close: () => simulator.stop(),
  };
}

/**
 * Resolves with performance.now() when every file holds `line`. Files are read on each event of
 * their directory and every 5 ms, and only until each first matches.
 */
function waitAll(paths: readonly string[], line: string, what: string, timeoutMs = 20_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const pending = new Set(paths);
    const check = () => {
      for (const path of pending) {
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          continue;
        }
        if (text.includes(line)) pending.delete(path);
      }
      if (pending.size === 0) finish(undefined);
    };
    const watcher = watch(dirname(paths[0]!), check);
    const poll = setInterval(check, 5);
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${pending.size} of ${paths.length} files behind`)), timeoutMs);
    function finish(error: Error | undefined) {
      const at = performance.now();
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(at);
    }
    check();
  });
}

/** PSS of a process in MiB: its private pages plus its share of each page it maps with others. */
function readPssMiB(pid: number | undefined): number {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = /^Pss:\s+(\d+) kB/m.exec(text);
  if (!kb) throw new Error(`/proc/${pid}/smaps_rollup has no Pss line`);
  return Number(kb[1]) / 1024;
}

/** PSS (MiB) of each of `count` idle Node processes running together, `settleMs` after they start. */
async function idleNodePss(count: number, settleMs: number): Promise<number[]> {
  const children = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' }));
  const exited = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  try {
    await delay(Math.max(settleMs, 1_000));
    return children.map((child) => readPssMiB(child.pid));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(exited);
  }
}
