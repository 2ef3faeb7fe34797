/** Go's time.Duration text: String() and ParseDuration, on int64 nanoseconds. */

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** Fraction digits of `v` below `unit`, trailing zeros trimmed, with the dot. */
function fraction(v: bigint, unit: bigint): string {
  const digits = (v % unit).toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

/** time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const sign = d < 0n ? '-' : '';
  const u = d < 0n ? -d : d;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${u / 1_000n}${fraction(u, 1_000n)}µs`;
    return `${sign}${u / 1_000_000n}${fraction(u, 1_000_000n)}ms`;
  }
  const seconds = `${(u / 1_000_000_000n) % 60n}${fraction(u, 1_000_000_000n)}s`;
  const minutes = u / 60_000_000_000n;
  if (minutes === 0n) return sign + seconds;
  const hours = minutes / 60n;
  return hours === 0n ? `${sign}${minutes}m${seconds}` : `${sign}${hours}h${minutes % 60n}m${seconds}`;
}

/** time.ParseDuration; throws Go's `time: invalid duration "x"`. */
export function parseDuration(s: string): bigint {
  const invalid = () => new Error(`time: invalid duration "${s}"`);
  let rest = s;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) [negative, rest] = [rest[0] === '-', rest.slice(1)];
  if (rest === '0') return 0n;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/.exec(rest)!;
    const [whole, intPart = '', fracPart, unitText = ''] = m;
    if (intPart === '' && (fracPart === undefined || fracPart === '')) throw invalid();
    if (unitText === '') throw new Error(`time: missing unit in duration "${s}"`);
    const unit = UNITS[unitText];
    if (unit === undefined) throw new Error(`time: unknown unit "${unitText}" in duration "${s}"`);
    let value = BigInt(intPart || '0') * unit;
    if (fracPart) value += (BigInt(fracPart) * unit) / 10n ** BigInt(fracPart.length);
    total += value;
    if (total > 2n ** 63n - 1n) throw invalid();
    rest = rest.slice(whole.length);
  }
  return negative ? -total : total;
}
