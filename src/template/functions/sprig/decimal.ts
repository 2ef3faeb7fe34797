/**
 * The part of shopspring/decimal sprig's addf/subf/mulf/divf use: NewFromFloat (the float's
 * shortest decimal digits), exact add/sub/mul, Div rounded half away from zero to 16 places,
 * and Float64 (the nearest float).
 */
export interface Decimal {
  readonly coefficient: bigint;
  /** The value is coefficient × 10^exponent. */
  readonly exponent: number;
}

const DIVISION_PRECISION = 16;

/** decimal.NewFromFloat: the shortest digits that read back as `f`. */
export function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${f}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(f))!;
  const fraction = m[3] ?? '';
  const coefficient = BigInt(`${m[1]}${m[2]}${fraction}`);
  return { coefficient, exponent: Number(m[4] ?? 0) - fraction.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [a.coefficient * 10n ** BigInt(a.exponent - exponent), b.coefficient * 10n ** BigInt(b.exponent - exponent), exponent];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = align(a, b);
  return { coefficient: x + y, exponent };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = align(a, b);
  return { coefficient: x - y, exponent };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent };
}

/** Decimal.Div: the quotient to 16 decimal places, half away from zero. */
export function div(a: Decimal, b: Decimal): Decimal {
  if (b.coefficient === 0n) throw new Error('decimal division by 0');
  // a/b = (ca/cb) × 10^(ea-eb); scale the numerator so the quotient has 16 places.
  const shift = DIVISION_PRECISION + a.exponent - b.exponent;
  let numerator = a.coefficient;
  let denominator = b.coefficient;
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  const negative = numerator < 0n !== denominator < 0n;
  const [n, d] = [numerator < 0n ? -numerator : numerator, denominator < 0n ? -denominator : denominator];
  let q = n / d;
  if (2n * (n % d) >= d) q += 1n;
  return { coefficient: negative ? -q : q, exponent: -DIVISION_PRECISION };
}

/** Decimal.Float64: the float nearest the exact value. */
export function toFloat(d: Decimal): number {
  return Number(`${d.coefficient}e${d.exponent}`);
}
