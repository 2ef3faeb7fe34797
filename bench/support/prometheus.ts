import { request } from '../../test/support/http.js';

/** One scrape of a Prometheus text endpoint: series text (`name{labels}`) → value. */
export type Scrape = ReadonlyMap<string, number>;

/** GETs `url` (loopback only) and parses every sample line; rejects on a non-200 answer. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await request(url);
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`);
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    series.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return series;
}

/** Sum of the series named `name` whose labels contain every `labels` fragment (e.g. 'grpc_method="Watch"'). */
export function sumOf(scraped: Scrape, name: string, ...labels: string[]): number {
  let sum = 0;
  for (const [series, value] of scraped) {
    const brace = series.indexOf('{');
    const seriesName = brace === -1 ? series : series.slice(0, brace);
    if (seriesName === name && labels.every((label) => series.includes(label))) sum += value;
  }
  return sum;
}
