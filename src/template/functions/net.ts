import { createRequire } from 'node:module';
import { goFunc, type FuncMap, type GoStruct } from '../go/values.js';
import { goStruct } from './methods.js';

/**
 * confd's DNS functions: `lookupIP lookupIPV4 lookupIPV6 lookupSRV`. These and host.ts's are the
 * only impure functions: a render is synchronous and node:dns is not, so a lookup runs node:dns
 * in a child process (spawnSync, 5 s timeout) and answers are cached for CACHE_MS. As in confd, a
 * failed lookup yields an empty list, never an error.
 */

const CACHE_MS = 30_000;
const TIMEOUT_MS = 5_000;

const SCRIPT = `
const dns = require('node:dns');
const [kind, name] = process.argv.slice(1);
const done = (value) => process.stdout.write(JSON.stringify(value));
if (kind === 'ip') dns.lookup(name, { all: true }, (err, addrs) => done(err ? [] : addrs.map((a) => a.address)));
else dns.resolveSrv(name, (err, records) => done(err ? [] : records));
`;

export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** What the DNS functions query; tests inject a fake. */
export interface Resolver {
  lookupIP(name: string): readonly string[];
  lookupSRV(name: string): readonly SrvRecord[];
}

function runLookup(kind: 'ip' | 'srv', name: string): unknown[] {
  // node:child_process loads on the first lookup, not with every template's functions.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const result = spawnSync(process.execPath, ['-e', SCRIPT, kind, name], { timeout: TIMEOUT_MS, encoding: 'utf8' });
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

const cache = new Map<string, { at: number; value: unknown[] }>();

function cachedLookup(kind: 'ip' | 'srv', name: string): unknown[] {
  const key = `${kind}:${name}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = runLookup(kind, name);
  cache.set(key, { at: Date.now(), value });
  return value;
}

/** The system resolver, through a child process, with a short cache. */
export const systemResolver: Resolver = {
  lookupIP: (name) => cachedLookup('ip', name) as string[],
  lookupSRV: (name) => cachedLookup('srv', name) as SrvRecord[],
};

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function lookupIP(resolver: Resolver, name: string): string[] {
  return [...new Set(resolver.lookupIP(name))].sort(compare);
}

/** net.LookupSRV: "_service._proto.name", or `name` alone when service and proto are empty. */
function lookupSRV(resolver: Resolver, service: string, proto: string, name: string): GoStruct[] {
  const target = service === '' && proto === '' ? name : `_${service}._${proto}.${name}`;
  const records = resolver.lookupSRV(target).map((r) => ({ ...r, name: r.name.endsWith('.') ? r.name : `${r.name}.` }));
  // confd sorts by the concatenation Target+Port+Priority+Weight.
  const sortKey = (r: SrvRecord) => `${r.name}${r.port}${r.priority}${r.weight}`;
  records.sort((a, b) => compare(sortKey(a), sortKey(b)));
  return records.map((r) =>
    goStruct('*net.SRV', { Target: r.name, Port: r.port, Priority: r.priority, Weight: r.weight }),
  );
}

/** The DNS function set; `resolver` defaults to the system resolver. */
export function netFuncs(resolver: Resolver = systemResolver): FuncMap {
  return {
    lookupIP: goFunc(['string'], (name: string) => lookupIP(resolver, name)),
    lookupIPV4: goFunc(['string'], (name: string) => lookupIP(resolver, name).filter((ip) => ip.includes('.'))),
    lookupIPV6: goFunc(['string'], (name: string) => lookupIP(resolver, name).filter((ip) => ip.includes(':'))),
    lookupSRV: goFunc(['string', 'string', 'string'], (service: string, proto: string, name: string) =>
      lookupSRV(resolver, service, proto, name),
    ),
  };
}
