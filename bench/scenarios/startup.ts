import { makeTempDir } from '../../test/support/cli.js';
import { median, summarize, type Measurement, type ScenarioResult } from '../report.js';
import { cliArgv, measureProcess, nodeBaselineArgv } from '../support/measure.js';
import { findPeer } from '../support/peers.js';

/** Scenario 0: start-up cost, `ctmpl -version` against `node -e 0` (and the peers' own -version when on PATH). */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const repeats = size === 'full' ? 15 : 1;
  const peers = size === 'full' ? (['confd', 'consul-template'] as const).flatMap((name) => {
    const path = findPeer(name);
    return path ? [{ name, argv: [path, '-version'] }] : [];
  }) : [];
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    const ctmpl = { wall: [] as number[], rss: [] as number[] };
    const node = { wall: [] as number[], rss: [] as number[] };
    const peerWall = peers.map(() => [] as number[]);
    for (let i = 0; i <= repeats; i++) {
      const base = await measureProcess(nodeBaselineArgv, { cwd: dir });
      const run = await measureProcess(cliArgv(['-version']), { cwd: dir });
      if (run.code !== 0) throw new Error(`ctmpl -version exited ${run.code}: ${run.stderr}`);
      const others = [];
      for (const peer of peers) others.push(await measureProcess(peer.argv, { cwd: dir }));
      if (i === 0) continue;
      ctmpl.wall.push(run.wallMs);
      ctmpl.rss.push(run.peakRssKb / 1024);
      node.wall.push(base.wallMs);
      node.rss.push(base.peakRssKb / 1024);
      others.forEach((other, p) => peerWall[p]!.push(other.wallMs));
    }
    const measurements: Measurement[] = [
      summarize('-version wall time', 'ms', ctmpl.wall, { label: 'node -e 0', value: median(node.wall) }),
      summarize('-version peak RSS', 'MiB', ctmpl.rss, { label: 'node -e 0', value: median(node.rss) }),
      ...peers.map((peer, p) => summarize(`-version wall time vs ${peer.name}`, 'ms', ctmpl.wall, { label: peer.name, value: median(peerWall[p]!) })),
    ];
    return {
      scenario: 'startup',
      title: 'start-up: `ctmpl -version` against Node itself',
      method: `spawn \`ctmpl -version\` ${repeats} times after a warm-up, each run next to \`node -e 0\`${peers.length ? ` and ${peers.map((peer) => `\`${peer.name} -version\``).join(', ')}` : ''}; wall time spawn→exit`,
      size,
      measurements,
    };
  } finally {
    await cleanup();
  }
}
