import { makeTempDir } from '../../test/support/cli.js';
import { startEtcd } from '../../test/support/etcd-server.js';
import { freePort } from '../../test/support/ports.js';
import { round, summarize, type Measurement, type ScenarioResult } from '../report.js';
import { withDaemon } from '../support/daemon.js';
import { measureNaive } from '../support/naive-fan-out.js';
import { prefixKey, waitForFiles, waitForQuiet, writeManyResources, type Shape } from '../support/many-resources.js';
import { scrape, sumOf, type Scrape } from '../support/prometheus.js';

/** Backend requests etcd served: gRPC Range calls (what the JSON gateway's /v3/kv/range becomes) plus Watch streams opened. */
function etcdRequests(scraped: Scrape): number {
  return sumOf(scraped, 'grpc_server_started_total', 'grpc_method="Range"') + sumOf(scraped, 'grpc_server_started_total', 'grpc_method="Watch"');
}

function startDetail(before: Scrape, after: Scrape): string {
  const delta = (method: string) => sumOf(after, 'grpc_server_started_total', `grpc_method="${method}"`) - sumOf(before, 'grpc_server_started_total', `grpc_method="${method}"`);
  return `${delta('Range')} ranges + ${delta('Watch')} watch streams before the first render settled`;
}

function withDetail(measurement: Measurement, more: string): Measurement {
  return { ...measurement, detail: `${measurement.detail}; ${more}` };
}

/**
 * Scenario 5: N resources over P shared etcd prefixes in a -watch daemon; per change to one key,
 * how many backend requests, renders and writes, against the naive strategy (re-read and
 * re-render every resource on every change, confd / consul-template).
 */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const shape: Shape = size === 'full' ? { resources: 100, prefixes: 10, keysPerPrefix: 10 } : { resources: 12, prefixes: 3, keysPerPrefix: 3 };
  const changes = size === 'full' ? 50 : 3;
  const etcd = await startEtcd();
  const { dir, cleanup } = await makeTempDir('ctmpl-bench-');
  try {
    const layout = await writeManyResources(etcd, dir, shape);
    const statusAddress = `127.0.0.1:${await freePort()}`;
    const metricsUrl = `http://${statusAddress}/metrics`;
    const beforeStart = await scrape(`${etcd.url}/metrics`);
    const args = ['-watch', '-confdir', dir, '-backend', 'etcd', '-node', etcd.url, '-status-addr', statusAddress];
    return await withDaemon(args, dir, async () => {
      await waitForFiles(layout.dests, (text) => text.includes('k0='), 'every resource rendered');
      await waitForQuiet(metricsUrl);
      const [etcdStart, ctmplStart] = [await scrape(`${etcd.url}/metrics`), await scrape(metricsUrl)];
      const changeMs: number[] = [];
      for (let c = 0; c < changes; c++) {
        const p = c % shape.prefixes;
        const started = performance.now();
        await etcd.put(prefixKey(p, 0), `changed-${c}`);
        await waitForFiles(layout.destsOf(p), (text) => text.includes(`k0=changed-${c}\n`), `change ${c} on prefix ${p}`);
        changeMs.push(performance.now() - started);
      }
      await waitForQuiet(metricsUrl);
      const [etcdEnd, ctmplEnd] = [await scrape(`${etcd.url}/metrics`), await scrape(metricsUrl)];
      const perChange = (end: Scrape, start: Scrape, name: string) => (sumOf(end, name) - sumOf(start, name)) / changes;
      const measured = await measureNaive(etcd, dir, shape, changes);
      const naive = { label: 'naive', value: measured.rendersPerChange };
      const naiveRequests = { label: 'naive', value: measured.requestsPerChange };
      const detail = `${changes} changes, ${shape.resources} resources over ${shape.prefixes} prefixes`;
      return {
        scenario: 'fan-out',
        title: `${shape.resources} resources over ${shape.prefixes} shared etcd prefixes: work per change`,
        method: `-watch daemon on a real etcd; ${changes} single-key changes round-robin over the prefixes, each waited for in every affected file; renders/writes/watches from ctmpl's /metrics, backend requests from etcd's own /metrics (grpc_server_started_total, Range + Watch), events from etcd_debugging_mvcc_events_total; naive = measured in the same run: after each change, one etcd range and one render per resource (confd's fetch per resource, consul-template's re-render of all); the naive figure at start is the resource count`,
        size,
        measurements: [
          { metric: 'renders per change', value: perChange(ctmplEnd, ctmplStart, 'ctmpl_renders_total'), unit: 'renders', baseline: naive, detail },
          { metric: 'writes per change', value: perChange(ctmplEnd, ctmplStart, 'ctmpl_writes_total'), unit: 'files', detail: `${shape.resources / shape.prefixes} files read the changed prefix` },
          { metric: 'backend requests per change', value: (etcdRequests(etcdEnd) - etcdRequests(etcdStart)) / changes, unit: 'requests', baseline: naiveRequests, detail: 'range + watch-create calls etcd served' },
          withDetail(summarize('time per change', 'ms', changeMs, { label: 'naive', value: round(measured.msPerChange) }), 'ctmpl: put → every affected file written; naive: put + a range and a render per resource'),
          { metric: 'watch events per change', value: perChange(etcdEnd, etcdStart, 'etcd_debugging_mvcc_events_total'), unit: 'events', detail: 'events etcd sent down open watch streams' },
          { metric: 'backend requests at start', value: etcdRequests(etcdStart) - etcdRequests(beforeStart), unit: 'requests', baseline: { label: 'naive', value: shape.resources }, detail: startDetail(beforeStart, etcdStart) },
          { metric: 'watches', value: sumOf(ctmplEnd, 'ctmpl_watches'), unit: 'deps', detail: `etcd reports ${sumOf(etcdEnd, 'etcd_debugging_mvcc_watcher_total')} watchers` },
        ],
      };
    });
  } finally {
    await etcd.close();
    await cleanup();
  }
}
