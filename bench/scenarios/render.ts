import { runRenderBench } from '../render-go-vs-handlebars.js';
import { median, summarize, type ScenarioResult } from '../report.js';

/** Scenario 7: render only, in process: the Go-dialect engine against Handlebars on the same output. */
export async function run(size: 'full' | 'tiny'): Promise<ScenarioResult> {
  const options = size === 'full' ? { iterations: 10_000, repeats: 20 } : { iterations: 200, repeats: 5 };
  const rounds = size === 'full' ? 5 : 2;
  const go: number[] = [];
  const handlebars: number[] = [];
  let name = '';
  for (let i = 0; i < rounds; i++) {
    const result = await runRenderBench(options);
    name = result.name;
    go.push(result.goMsPerRender);
    handlebars.push(result.handlebarsMsPerRender);
  }
  return {
    scenario: 'render',
    title: name,
    method: `bench/render-go-vs-handlebars.ts runRenderBench(${JSON.stringify(options)}) ${rounds} times in this process (outputs checked equal); median of the per-round ms/render`,
    size,
    measurements: [
      summarize('Go engine', 'ms/render', go, { label: 'handlebars', value: median(handlebars) }),
      summarize('handlebars', 'ms/render', handlebars),
    ],
  };
}
