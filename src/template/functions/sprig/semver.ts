import { goFunc, GoInt, type FuncMap, type GoStruct } from '../../go/values.js';
import { goObject } from '../methods.js';

/**
 * Masterminds/semver v3 as sprig uses it: NewVersion (lenient: "v1.2" is 1.2.0) and
 * constraints (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `^`, wildcards, hyphen ranges, commas
 * and spaces for AND, `||` for OR). A pre-release version satisfies only a constraint that
 * names a pre-release itself, as in v3.
 */

interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: string;
  readonly meta: string;
  readonly original: string;
}

const VERSION = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parseVersion(text: string): Version {
  const m = VERSION.exec(text);
  if (!m) throw new Error('Invalid Semantic Version');
  const pre = m[4] ?? '';
  if (pre.split('.').some((part) => /^0[0-9]+$/.test(part))) throw new Error('Version segment starts with 0');
  return { major: BigInt(m[1]!), minor: BigInt(m[2] ?? 0), patch: BigInt(m[3] ?? 0), pre, meta: m[5] ?? '', original: text };
}

const versionString = (v: Version): string => `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ''}${v.meta ? `+${v.meta}` : ''}`;

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const [pa, pb] = [a.split('.'), b.split('.')];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const [nx, ny] = [/^[0-9]+$/.test(x), /^[0-9]+$/.test(y)];
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function compare(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

interface Bound {
  readonly op: string;
  readonly version: Version;
  /** Which parts were wildcards or missing: 0 none, 1 patch, 2 minor and patch, 3 all. */
  readonly dirty: number;
}

const CONSTRAINT = /^\s*(!=|>=|=>|<=|=<|~>|[=><~^])?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?\s*$/;

function parseBound(text: string): Bound {
  const m = CONSTRAINT.exec(text);
  if (!m) throw new Error(`improper constraint: ${text}`);
  const parts = [m[2], m[3], m[4]];
  const wild = (p: string | undefined) => p === undefined || /^[xX*]$/.test(p);
  const firstWild = parts.findIndex(wild);
  const dirty = firstWild < 0 ? 0 : 3 - firstWild;
  const num = (p: string | undefined) => (wild(p) ? 0n : BigInt(p!));
  const version: Version = { major: num(parts[0]), minor: num(parts[1]), patch: num(parts[2]), pre: m[5] ?? '', meta: m[6] ?? '', original: text };
  return { op: m[1] ?? '', version, dirty };
}

/** The upper end of a bound's wildcard range, exclusive. */
function bump(v: Version, dirty: number): Version {
  if (dirty >= 3) return { ...v, major: 1n << 62n };
  if (dirty === 2) return { ...v, major: v.major + 1n, minor: 0n, patch: 0n, pre: '' };
  return { ...v, minor: v.minor + 1n, patch: 0n, pre: '' };
}

function satisfies(v: Version, b: Bound): boolean {
  if (v.pre !== '' && b.version.pre === '') return false;
  const c = compare(v, b.version);
  const inRange = () => c >= 0 && compare(v, bump(b.version, b.dirty)) < 0;
  switch (b.op) {
    case '': case '=': return b.dirty > 0 ? inRange() : c === 0;
    case '!=': return b.dirty > 0 ? !inRange() : c !== 0;
    case '>': return b.dirty > 0 ? compare(v, bump(b.version, b.dirty)) >= 0 : c > 0;
    case '>=': case '=>': return c >= 0;
    case '<': return c < 0;
    case '<=': case '=<': return b.dirty > 0 ? compare(v, bump(b.version, b.dirty)) < 0 : c <= 0;
    case '~': case '~>': return c >= 0 && compare(v, bump(b.version, b.dirty >= 2 ? 2 : 1)) < 0;
    default: {
      // ^: the left-most non-zero part stays.
      const upper = b.version.major > 0n || b.dirty >= 2 ? bump(b.version, 2) : b.version.minor > 0n || b.dirty >= 1 ? bump(b.version, 1) : { ...b.version, patch: b.version.patch + 1n, pre: '' };
      return c >= 0 && compare(v, upper) < 0;
    }
  }
}

function checkConstraint(constraint: string, v: Version): boolean {
  return constraint.split(/\s*\|\|\s*/).some((alternative) => {
    const tokens = alternative.replace(/\s+-\s+/g, ' - ').split(/[\s,]+/).filter((t) => t !== '');
    // An operator written apart from its version (">= 1.2") belongs to the next token.
    for (let i = tokens.length - 2; i >= 0; i--) if (/^(!=|>=|=>|<=|=<|~>|[=><~^])$/.test(tokens[i]!)) tokens.splice(i, 2, tokens[i]! + tokens[i + 1]!);
    const terms: Bound[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i + 1] === '-') {
        terms.push({ ...parseBound(tokens[i]!), op: '>=' }, { ...parseBound(tokens[i + 2]!), op: '<=' });
        i += 2;
      } else terms.push(parseBound(tokens[i]!));
    }
    if (terms.length === 0) throw new Error(`improper constraint: ${alternative}`);
    return terms.every((term) => satisfies(v, term));
  });
}

function semverValue(v: Version): GoStruct {
  const uint = (n: bigint) => new GoInt(n, 'uint64');
  return goObject('*semver.Version', {
    Major: goFunc([], () => uint(v.major)),
    Minor: goFunc([], () => uint(v.minor)),
    Patch: goFunc([], () => uint(v.patch)),
    Prerelease: goFunc([], () => v.pre),
    Metadata: goFunc([], () => v.meta),
    Original: goFunc([], () => v.original),
    String: goFunc([], () => versionString(v)),
    MarshalJSON: goFunc([], () => JSON.stringify(versionString(v))),
  });
}

export function semverFuncs(): FuncMap {
  return {
    semver: goFunc(['string'], (text: string) => semverValue(parseVersion(text))),
    semverCompare: goFunc(['string', 'string'], (constraint: string, version: string) => checkConstraint(constraint, parseVersion(version))),
  };
}
