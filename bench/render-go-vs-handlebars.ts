/**
 * Renders a haproxy backend of N servers with the Go engine and with handlebars (noEscape),
 * checks both outputs are identical, and reports milliseconds per render and their ratio.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { executeGoTemplate, parseGoTemplate } from '../src/template/go/index.js';
import type { GoValue } from '../src/template/go/values.js';

const GO_TEMPLATE = '{{range $i, $s := .Servers}}server web{{$i}} {{$s.Address}}:{{$s.Port}} check\n{{end}}';
const HANDLEBARS_TEMPLATE = '{{#each Servers}}server web{{@index}} {{Address}}:{{Port}} check\n{{/each}}';

export interface RenderBenchResult {
  name: string;
  goMsPerRender: number;
  handlebarsMsPerRender: number;
  /** Go engine time divided by handlebars time. */
  ratio: number;
}

function servers(count: number): { Address: string; Port: number }[] {
  return Array.from({ length: count }, (_, i) => ({ Address: `10.0.${(i >> 8) & 255}.${i & 255}`, Port: 8000 + (i % 1000) }));
}

function msPerRender(repeats: number, render: () => string): number {
  render();
  const started = performance.now();
  for (let i = 0; i < repeats; i++) render();
  return (performance.now() - started) / repeats;
}

/** Times both engines on the same `iterations`-line output, `repeats` renders each. */
export async function runRenderBench(options: { iterations: number; repeats: number }): Promise<RenderBenchResult> {
  const list = servers(options.iterations);
  const goData: GoValue = new Map<string, GoValue>([['Servers', list.map((s) => new Map<string, GoValue>(Object.entries(s)))]]);
  const goTemplate = parseGoTemplate('haproxy.tmpl', GO_TEMPLATE, { funcNames: new Set() });
  const handlebars = Handlebars.create().compile(HANDLEBARS_TEMPLATE, { noEscape: true });
  const renderGo = (): string => executeGoTemplate(goTemplate, goData, {});
  const renderHandlebars = (): string => handlebars({ Servers: list });
  if (renderGo() !== renderHandlebars()) throw new Error('render bench: the two engines disagree');
  const goMsPerRender = msPerRender(options.repeats, renderGo);
  const handlebarsMsPerRender = msPerRender(options.repeats, renderHandlebars);
  return {
    name: `render ${options.iterations}-line haproxy backend: go text/template vs handlebars`,
    goMsPerRender,
    handlebarsMsPerRender,
    ratio: goMsPerRender / handlebarsMsPerRender,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runRenderBench({ iterations: 10_000, repeats: 20 });
  console.log(`${result.name}
  go:         ${result.goMsPerRender.toFixed(2)} ms/render
  handlebars: ${result.handlebarsMsPerRender.toFixed(2)} ms/render
  ratio:      ${result.ratio.toFixed(2)}x`);
}
