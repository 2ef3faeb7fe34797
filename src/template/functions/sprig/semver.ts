import { goFunc, GoInt, type FuncMap, type GoStruct } from '../../go/values.js';
import { goObject } from '../methods.js';

/**
 * Masterminds/semver v3 (3.2, as the reference links it) as sprig uses it: NewVersion (lenient:
 * "v1.2" is 1.2.0) and NewConstraint/Check, ported with its regular expressions and its
 * operator rules (wildcards, `~`, `^`, hyphen ranges, commas or spaces for AND, `||` for OR;
 * a pre-release version satisfies only a constraint that names a pre-release).
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

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const [sn, on] = [/^[0-9]+$/.test(s), /^[0-9]+$/.test(o)];
  if (!sn && !on) return s > o ? 1 : -1;
  if (!sn) return 1;
  if (!on) return -1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(a: string, b: string): number {
  const [pa, pb] = [a.split('.'), b.split('.')];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = comparePrePart(pa[i] ?? '', pb[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Version.Compare: numbers, then pre-release (none sorts after any); metadata ignored. */
export function compare(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  return comparePrerelease(a.pre, b.pre);
}

/** One parsed constraint: its operator and version, and which parts were wildcards. */
interface Constraint {
  readonly op: string;
  readonly con: Version;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const CONSTRAINT = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, 'g');
const FIND = new RegExp(String.raw`(${OPS})\s*(${CV})`, 'g');
const VALID = new RegExp(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

const isX = (part: string | undefined): boolean => part === 'x' || part === 'X' || part === '*';

/** semver's parseConstraint: wildcards and missing parts become 0 and mark the constraint dirty. */
function parseConstraint(text: string): Constraint {
  const m = CONSTRAINT.exec(text)!;
  const [op, major, minor = '', patch = '', rest] = [m[1]!, m[3]!, m[4] ?? '', m[5] ?? '', (m[6] ?? '') + (m[9] ?? '')];
  let version = m[2]!;
  let [dirty, minorDirty, patchDirty] = [false, false, false];
  if (isX(major)) [version, dirty] = [`0.0.0${rest}`, true];
  else if (isX(minor.slice(1)) || minor === '') [version, dirty, minorDirty] = [`${major}.0.0${rest}`, true, true];
  else if (isX(patch.slice(1)) || patch === '') [version, dirty, patchDirty] = [`${major}${minor}.0${rest}`, true, true];
  let con: Version;
  try {
    con = parseVersion(version);
  } catch {
    throw new Error('constraint Parser Error');
  }
  return { op, con, dirty, minorDirty, patchDirty };
}

/** semver's NewConstraint: hyphen ranges rewritten, `||` alternatives of AND-ed constraints. */
function parseConstraints(text: string): Constraint[][] {
  const rewritten = text.replace(RANGE, (_whole, from: string, ...groups: string[]) => `>= ${from}, <= ${groups[9]}`);
  return rewritten.split('||').map((alternative) => {
    if (!VALID.test(alternative)) throw new Error(`improper constraint: ${alternative}`);
    const found = [...alternative.matchAll(FIND)].map((m) => m[0]);
    return (found.length > 0 ? found : [alternative]).map(parseConstraint);
  });
}

type Check = (v: Version, c: Constraint) => boolean;

const preleaseBlocked = (v: Version, c: Constraint): boolean => v.pre !== '' && c.con.pre === '';

const tilde: Check = (v, c) => {
  if (preleaseBlocked(v, c) || compare(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
};

const CHECKS: Readonly<Record<string, Check>> = {
  '': (v, c) => !preleaseBlocked(v, c) && (c.dirty ? tilde(v, c) : compare(v, c.con) === 0),
  '!=': (v, c) => {
    if (c.dirty) {
      if (preleaseBlocked(v, c)) return false;
      if (c.con.major !== v.major) return true;
      if (c.con.minor !== v.minor && !c.minorDirty) return true;
      if (c.minorDirty) return false;
      if (c.con.patch !== v.patch && !c.patchDirty) return true;
      if (c.patchDirty) return (v.pre !== '' || c.con.pre !== '') && comparePrerelease(v.pre, c.con.pre) !== 0;
    }
    return compare(v, c.con) !== 0;
  },
  '>': (v, c) => {
    if (preleaseBlocked(v, c)) return false;
    if (!c.dirty || (v.major === c.con.major && !c.minorDirty && !c.patchDirty)) return compare(v, c.con) === 1;
    if (v.major !== c.con.major) return v.major > c.con.major;
    return !c.minorDirty && v.minor > c.con.minor;
  },
  '<': (v, c) => !preleaseBlocked(v, c) && compare(v, c.con) < 0,
  '>=': (v, c) => !preleaseBlocked(v, c) && compare(v, c.con) >= 0,
  '<=': (v, c) => {
    if (preleaseBlocked(v, c)) return false;
    if (!c.dirty) return compare(v, c.con) <= 0;
    if (v.major > c.con.major) return false;
    return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
  },
  '~': tilde,
  '^': (v, c) => {
    if (preleaseBlocked(v, c) || compare(v, c.con) < 0) return false;
    if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
    if (v.major > 0n) return false;
    if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
    if (v.minor > 0n) return false;
    return c.con.patch === v.patch;
  },
};
const ALIASES: Readonly<Record<string, string>> = { '=': '', '=>': '>=', '=<': '<=', '~>': '~' };

function checkConstraint(constraint: string, v: Version): boolean {
  return parseConstraints(constraint).some((all) => all.every((c) => CHECKS[ALIASES[c.op] ?? c.op]!(v, c)));
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
