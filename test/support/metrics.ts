/** Reads the daemon's Prometheus /metrics into name → value. */
export async function readMetrics(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const samples = text.split('\n').filter((line) => line && !line.startsWith('#'));
  return Object.fromEntries(samples.map((line) => [line.split(' ')[0]!, Number(line.split(' ')[1])]));
}
