import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../../test/support/cli.js';
import { startConsulSimulator, type ServiceDefinition } from '../../test/support/consul-simulator.js';
import type { ScenarioResult } from '../report.js';
import { countLines, expectLines } from '../support/fixtures.js';
import { peakRssMethod } from '../support/measure.js';
import { measureOnceRender } from '../support/once.js';

const upstreamTemplate = 'upstream web {\n{{- range service "web"}}\n  server {{.Address}}:{{.Port}};\n{{- end}}\n}\n';

/** Scenario 2: consul-template style `-once` render of N healthy instances of one service. */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const instances = size === 'full' ? 2_000 : 50;
  const repeats = size === 'full' ? 7 : 1;
  const consul = await startConsulSimulator();
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    consul.load({ services: Array.from({ length: instances }, (_, i) => webInstance(i)) });
    await writeFile(join(dir, 'upstream.ctmpl'), upstreamTemplate);
    const measurements = await measureOnceRender({
      args: ['-once', '-template', 'upstream.ctmpl:upstream.conf', '-consul-addr', `127.0.0.1:${consul.port}`],
      cwd: dir,
      dest: join(dir, 'upstream.conf'),
      repeats,
      verify: (output) => expectLines(countLines(output, 'server '), instances),
    });
    return {
      scenario: 'once-consul',
      title: `once-render of ${instances} Consul service instances via \`service\``,
      method: `spawn \`ctmpl -once -template\` against the in-repo Consul 1.2 simulator (served from the bench process), ${repeats} runs after a warm-up, interleaved with \`node -e 0\`; peak RSS by ${peakRssMethod}`,
      size,
      measurements,
    };
  } finally {
    await consul.stop();
    await cleanup();
  }
}

function webInstance(i: number): ServiceDefinition {
  return { ID: `web-${i}`, Name: 'web', Address: `10.1.${(i >> 8) & 255}.${i & 255}`, Port: 8080, Tags: ['v1'], Status: 'passing' };
}
