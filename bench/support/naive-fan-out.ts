import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EtcdServer } from '../../test/support/etcd-server.js';
import { dependencyKey } from '../../src/types/dependency.js';
import { compileTemplate, type CompiledTemplate } from '../../src/template/render.js';
import { prefixKey, type Shape } from './many-resources.js';
import { scrape, sumOf } from './prometheus.js';

export interface NaiveFigures {
  readonly rendersPerChange: number;
  readonly requestsPerChange: number;
  readonly msPerChange: number;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const prefixEnd = (prefix: string) => b64(prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1));

/**
 * The naive strategy, run for real in the same process: after each change, every resource
 * re-reads its prefix with one etcd range (confd's fetch per resource) and re-renders (what
 * consul-template does for every template). Requests are counted by etcd's own metrics.
 */
export async function measureNaive(etcd: EtcdServer, dir: string, shape: Shape, changes: number): Promise<NaiveFigures> {
  const templates: CompiledTemplate[] = [];
  for (let p = 0; p < shape.prefixes; p++) {
    const text = await readFile(join(dir, 'templates', `p${p}.tmpl`), 'utf8');
    templates.push(await compileTemplate({ name: `p${p}.tmpl`, text, dialect: 'go', flavor: 'confd' }));
  }
  const rangesBefore = sumOf(await scrape(`${etcd.url}/metrics`), 'grpc_server_started_total', 'grpc_method="Range"');
  let renders = 0;
  const started = performance.now();
  for (let c = 0; c < changes; c++) {
    await etcd.put(prefixKey(c % shape.prefixes, 0), `naive-${c}`);
    for (let i = 0; i < shape.resources; i++) {
      const p = i % shape.prefixes;
      const prefix = `/svc/p${p}`;
      const answer = await etcd.call('/v3/kv/range', { key: b64(`${prefix}/`), range_end: prefixEnd(`${prefix}/`) });
      const kvs = (answer.kvs ?? []) as { key: string; value: string }[];
      const list = new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value ?? '', 'base64').toString()]));
      // A resource's `keys` are read as confd lists them (with siblings where the backend has them).
      const snapshots = new Map([[dependencyKey({ type: 'kv.list', prefix, siblings: true }), list]]);
      const result = templates[p]!.render(snapshots, { env: {}, prefix: '/', keys: [prefix], denylist: [] });
      if (result.output === undefined) throw new Error(`naive render of ${prefix} incomplete`);
      renders++;
    }
  }
  const elapsed = performance.now() - started;
  const rangesAfter = sumOf(await scrape(`${etcd.url}/metrics`), 'grpc_server_started_total', 'grpc_method="Range"');
  return { rendersPerChange: renders / changes, requestsPerChange: (rangesAfter - rangesBefore) / changes, msPerChange: elapsed / changes };
}
