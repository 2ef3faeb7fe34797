import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readIfExists, waitFor } from '../../test/support/cli.js';
import { writeConfdir } from '../../test/support/confdir.js';
import type { EtcdServer } from '../../test/support/etcd-server.js';
import { putMany } from './fixtures.js';
import { scrape, sumOf } from './prometheus.js';

/** How many conf.d resources share how many etcd prefixes (resource i uses prefix i mod prefixes). */
export interface Shape {
  readonly resources: number;
  readonly prefixes: number;
  readonly keysPerPrefix: number;
}

export interface ManyResources {
  /** Destination files of every resource. */
  readonly dests: readonly string[];
  /** Destination files of the resources that read prefix `p`. */
  destsOf(p: number): string[];
}

/** `/svc/p<p>/k<n>` keys and one template per prefix listing them. */
export const prefixKey = (p: number, n: number) => `/svc/p${p}/k${n}`;

/** Loads the keys into etcd and writes the confdir: one template per prefix, `resources` resources. */
export async function writeManyResources(etcd: EtcdServer, dir: string, shape: Shape): Promise<ManyResources> {
  const entries: [string, string][] = [];
  for (let p = 0; p < shape.prefixes; p++) {
    for (let n = 0; n < shape.keysPerPrefix; n++) entries.push([prefixKey(p, n), `10.0.${p}.${n}:80`]);
  }
  await putMany(etcd, entries);
  const templates: Record<string, string> = {};
  for (let p = 0; p < shape.prefixes; p++) {
    templates[`p${p}.tmpl`] = `# prefix ${p}\n{{range gets "/svc/p${p}/*"}}{{base .Key}}={{.Value}}\n{{end}}`;
  }
  const resources: Record<string, string> = {};
  const dests: string[] = [];
  for (let i = 0; i < shape.resources; i++) {
    const p = i % shape.prefixes;
    const dest = join(dir, 'out', `r${i}.conf`);
    dests.push(dest);
    resources[`r${i}.toml`] = `[template]\nsrc = "p${p}.tmpl"\ndest = "${dest}"\nkeys = ["/svc/p${p}"]\n`;
  }
  await mkdir(join(dir, 'out'), { recursive: true });
  await writeConfdir(dir, { resources, templates });
  return { dests, destsOf: (p) => dests.filter((_, i) => i % shape.prefixes === p) };
}

/** Waits until every file in `paths` exists and satisfies `check`, polling every 2 ms (it times changes). */
export async function waitForFiles(paths: readonly string[], check: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => {
    for (const path of paths) {
      const text = await readIfExists(path);
      if (text === undefined || !check(text)) return false;
    }
    return true;
  }, what, timeoutMs, 2);
}

/** Waits until ctmpl's render and write counters hold still for 300 ms (bounded by `timeoutMs`). */
export async function waitForQuiet(metricsUrl: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    // The status server listens only once the daemon has started: refused connections mean "not yet".
    const scraped = await scrape(metricsUrl).catch(() => undefined);
    const now = scraped ? `${sumOf(scraped, 'ctmpl_renders_total')}/${sumOf(scraped, 'ctmpl_writes_total')}` : 'down';
    if (now !== last || now === 'down') {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 300) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${metricsUrl}: counters still moving after ${timeoutMs} ms`);
}
