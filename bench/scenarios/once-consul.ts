import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../../test/support/cli.js';
import { startConsulSimulator, type ServiceDefinition } from '../../test/support/consul-simulator.js';
import type { ScenarioResult } from '../report.js';
import { startConsulAgent } from '../support/consul-agent.js';
import { countLines, expectLines } from '../support/fixtures.js';
import { peakRssMethod } from '../support/measure.js';
import { measureOnceRender } from '../support/once.js';
import { findPeer } from '../support/peers.js';

const upstreamTemplate = 'upstream web {\n{{- range service "web"}}\n  server {{.Address}}:{{.Port}};\n{{- end}}\n}\n';

/** A Consul to render from: a real agent when `consul` is on PATH (full size), else the in-repo simulator. */
interface ConsulSource {
  readonly address: string;
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Scenario 2: consul-template style `-once` render of N healthy instances of one service, on a
 * real `consul agent -dev` side by side with consul-template when both are on PATH.
 */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const instances = size === 'full' ? 2_000 : 50;
  const repeats = size === 'full' ? 7 : 1;
  const source = await openConsul(size, instances);
  const consulTemplate = size === 'full' && source.description.startsWith('a real') ? findPeer('consul-template') : undefined;
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    await writeFile(join(dir, 'upstream.ctmpl'), upstreamTemplate);
    const measurements = await measureOnceRender({
      args: ['-once', '-template', 'upstream.ctmpl:upstream.conf', '-consul-addr', source.address],
      cwd: dir,
      dest: join(dir, 'upstream.conf'),
      repeats,
      verify: (output) => expectLines(countLines(output, 'server '), instances),
      ...(consulTemplate ? {
        peer: {
          label: 'consul-template', dest: join(dir, 'peer.conf'),
          argv: [consulTemplate, '-once', '-template', 'upstream.ctmpl:peer.conf', '-consul-addr', source.address, '-log-level', 'err'],
        },
      } : {}),
    });
    return {
      scenario: 'once-consul',
      title: `once-render of ${instances} Consul service instances via \`service\``,
      method: `spawn \`ctmpl -once -template\` against ${source.description}, ${repeats} runs after a warm-up, interleaved with \`node -e 0\`${consulTemplate ? ' and `consul-template -once` on the same agent' : ' (no consul-template peer)'}; peak RSS by ${peakRssMethod}`,
      size,
      measurements,
    };
  } finally {
    await source.close();
    await cleanup();
  }
}

async function openConsul(size: 'full' | 'tiny', instances: number): Promise<ConsulSource> {
  if (size === 'full' && findPeer('consul')) {
    const agent = await startConsulAgent();
    try {
      await agent.registerInstances('web', instances);
    } catch (error) {
      await agent.close();
      throw error;
    }
    return { address: agent.address, description: 'a real `consul agent -dev` (instances registered through /v1/catalog/register)', close: () => agent.close() };
  }
  const consul = await startConsulSimulator();
  consul.load({ services: Array.from({ length: instances }, (_, i) => webInstance(i)) });
  return { address: `127.0.0.1:${consul.port}`, description: 'the in-repo Consul 1.2 simulator (served from the bench process)', close: () => consul.stop() };
}

function webInstance(i: number): ServiceDefinition {
  return { ID: `web-${i}`, Name: 'web', Address: `10.1.${(i >> 8) & 255}.${i & 255}`, Port: 8080, Tags: ['v1'], Status: 'passing' };
}
