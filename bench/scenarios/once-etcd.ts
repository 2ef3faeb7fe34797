import { join } from 'node:path';
import { makeTempDir } from '../../test/support/cli.js';
import { writeConfdir } from '../../test/support/confdir.js';
import { startEtcd } from '../../test/support/etcd-server.js';
import type { ScenarioResult } from '../report.js';
import { countLines, expectLines, haproxyResource, haproxyTemplate, putMany, serverEntries } from '../support/fixtures.js';
import { peakRssMethod } from '../support/measure.js';
import { measureOnceRender } from '../support/once.js';
import { findPeer } from '../support/peers.js';

/** Scenario 1: `-onetime` render of N etcd keys into an N-line haproxy backend, whole process. */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const keys = size === 'full' ? 10_000 : 200;
  const repeats = size === 'full' ? 7 : 1;
  const etcd = await startEtcd();
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    await putMany(etcd, serverEntries(keys));
    await writeConfdir(dir, { resources: { 'haproxy.toml': haproxyResource('haproxy.cfg') }, templates: { 'haproxy.tmpl': haproxyTemplate } });
    const confd = size === 'full' ? findPeer('confd') : undefined;
    const dest = join(dir, 'haproxy.cfg');
    const measurements = await measureOnceRender({
      args: ['-onetime', '-confdir', dir, '-backend', 'etcd', '-node', etcd.url],
      cwd: dir,
      dest,
      repeats,
      ...(confd ? { peer: { label: 'confd', dest, argv: [confd, '-onetime', '-backend', 'etcdv3', '-node', etcd.url, '-confdir', dir, '-log-level', 'error'] } } : {}),
      verify: (output) => expectLines(countLines(output, 'server '), keys),
    });
    return {
      scenario: 'once-etcd',
      title: `once-render of ${keys} etcd keys into a ${keys}-line haproxy backend`,
      method: `spawn \`ctmpl -onetime\` against a real etcd (one conf.d resource, gets "/app/servers/*"), ${repeats} runs after a warm-up, interleaved with \`node -e 0\`${confd ? ' and `confd -onetime -backend etcdv3` on the same confdir' : ' (confd not on PATH: no peer)'}; wall time spawn→exit; peak RSS by ${peakRssMethod}`,
      size,
      measurements,
    };
  } finally {
    await etcd.close();
    await cleanup();
  }
}
