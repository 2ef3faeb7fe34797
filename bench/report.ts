/** One figure of a scenario: a median (or a count) with its spread and, when there is one, the baseline it is compared with. */
export interface Measurement {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Free text shown in the table: spread, sample count, percentiles. */
  readonly detail?: string;
  /** Same quantity for the baseline measured in the same run; the table prints value / baseline. */
  readonly baseline?: { readonly label: string; readonly value: number };
  readonly samples?: readonly number[];
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  /** How the figures were taken, in a sentence; goes to the JSON and BENCHMARKS.md. */
  readonly method: string;
  readonly size: 'full' | 'tiny';
  readonly measurements: readonly Measurement[];
}

/** The middle value of `values` (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The `p`th percentile by linear interpolation between closest ranks; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** A timing or size row: median value, "min–max (n=…)" as detail, the raw samples kept for the JSON. */
export function summarize(metric: string, unit: string, samples: readonly number[], baseline?: Measurement['baseline']): Measurement {
  const detail = `min ${round(Math.min(...samples))} – max ${round(Math.max(...samples))} (n=${samples.length})`;
  return { metric, unit, value: median(samples), detail, samples, ...(baseline ? { baseline } : {}) };
}

/** A latency row: median value, p90/p99/max as detail. */
export function summarizeLatency(metric: string, samples: readonly number[]): Measurement {
  const detail = `p90 ${round(percentile(samples, 90))}, p99 ${round(percentile(samples, 99))}, max ${round(Math.max(...samples))} (n=${samples.length})`;
  return { metric, unit: 'ms', value: median(samples), detail, samples };
}

/** Rounds for display: three significant digits below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

/** Formats every result as one plain-text table (scenario, metric, value, unit, baseline, ratio, detail). */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'metric', 'value', 'unit', 'baseline', 'ratio', 'detail'];
  const rows = results.flatMap((result) =>
    result.measurements.map((m) => [
      result.scenario,
      m.metric,
      String(round(m.value)),
      m.unit,
      m.baseline ? `${m.baseline.label} ${round(m.baseline.value)}` : '',
      m.baseline ? `${round(m.value / m.baseline.value)}x` : '',
      m.detail ?? '',
    ]),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** Formats the same table as Markdown, for BENCHMARKS.md. */
export function formatMarkdown(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((result) =>
    result.measurements.map((m) => {
      const baseline = m.baseline ? `${m.baseline.label} ${round(m.baseline.value)}` : '';
      const ratio = m.baseline ? `${round(m.value / m.baseline.value)}×` : '';
      return `| ${result.scenario} | ${m.metric} | ${round(m.value)} ${m.unit} | ${baseline} | ${ratio} | ${m.detail ?? ''} |`;
    }),
  );
  return ['| scenario | metric | value | baseline | ratio | detail |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
