import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../../test/support/cli.js';
import { writeConfdir } from '../../test/support/confdir.js';
import type { Measurement, ScenarioResult } from '../report.js';
import { countLines, expectLines, haproxyResource, haproxyTemplate, serverEntries } from '../support/fixtures.js';
import { peakRssMethod } from '../support/measure.js';
import { measureOnceRender } from '../support/once.js';
import { findPeer } from '../support/peers.js';

/**
 * Scenario 3: `-onetime` render of N keys held in one YAML file (file backend). The N keys are
 * a YAML list (keys /app/servers/0…N-1). A second, smaller input puts its keys in one YAML map,
 * which the yaml package's duplicate-key check makes quadratic (see BENCHMARKS.md).
 */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const listKeys = size === 'full' ? 100_000 : 1_000;
  const mapKeys = size === 'full' ? 20_000 : 500;
  const repeats = size === 'full' ? 5 : 1;
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    await writeConfdir(dir, { resources: { 'haproxy.toml': haproxyResource('haproxy.cfg') }, templates: { 'haproxy.tmpl': haproxyTemplate } });
    const confd = size === 'full' ? findPeer('confd') : undefined;
    const dest = join(dir, 'haproxy.cfg');
    const measurements: Measurement[] = [];
    for (const [label, keys, yaml] of [
      [`${listKeys} keys, YAML list`, listKeys, serversList(listKeys)],
      [`${mapKeys} keys, one YAML map`, mapKeys, serversMap(mapKeys)],
    ] as const) {
      const data = join(dir, `data-${keys}.yaml`);
      await writeFile(data, yaml);
      measurements.push(...(await measureOnceRender({
        args: ['-onetime', '-confdir', dir, '-backend', 'file', '-file', data],
        cwd: dir,
        dest,
        ...(confd ? { peer: { label: 'confd', dest, argv: [confd, '-onetime', '-backend', 'file', '-file', data, '-confdir', dir, '-log-level', 'error'] } } : {}),
        repeats: label.includes('map') ? Math.min(repeats, 3) : repeats,
        label,
        verify: (output) => expectLines(countLines(output, 'server '), keys),
      })));
    }
    return {
      scenario: 'once-file',
      title: `once-render of ${listKeys} keys from one YAML file (file backend)`,
      method: `spawn \`ctmpl -onetime -backend file\` on a ${listKeys}-item YAML list and on a ${mapKeys}-entry YAML map, ${repeats} runs (map: ≤3) after a warm-up, interleaved with \`node -e 0\`${confd ? ' and `confd -onetime -backend file`' : ' (confd not on PATH: no peer)'}; peak RSS by ${peakRssMethod}`,
      size,
      measurements,
    };
  } finally {
    await cleanup();
  }
}

/** `app: servers: [ "ip:port", … ]`: confd flattens list items to /app/servers/<index>. */
function serversList(count: number): string {
  return `app:\n  servers:\n${serverEntries(count).map(([, value]) => `    - "${value}"`).join('\n')}\n`;
}

/** `app: servers: {sNNN: "ip:port"}`, the layout confd users write by hand. */
function serversMap(count: number): string {
  const lines = serverEntries(count).map(([key, value]) => `    ${key.slice('/app/servers/'.length)}: "${value}"`);
  return `app:\n  servers:\n${lines.join('\n')}\n`;
}
