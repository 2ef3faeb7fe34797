/**
 * Just enough of confd's functions, over the two data sets of the shared conformance cases, to
 * run those cases through the engine alone. The real library lives in src/template/functions/.
 */
import { GO_TYPE_NAME, fromJSON, goFunc, type FuncMap, type GoValue } from '../../../src/template/go/values.js';

const APP_DATA = {
  app: {
    name: 'shop', port: 8080, debug: true,
    servers: { web1: '10.0.0.1:80', web2: '10.0.0.2:80', web10: '10.0.0.10:80' },
    upstreams: { api: { host: '10.1.0.5', port: 9000 }, cache: { host: '10.1.0.6', port: 6379 } },
    json: {
      svc1: '{"host":"10.2.0.1","port":81,"tags":["a","b"],"weight":3}',
      svc2: '{"host":"10.2.0.2","port":82,"tags":[],"weight":1}',
    },
    list: '["x","yy","zzz","w"]', csv: 'a,b,,c', flag: 'false', num: '42', b64: 'aGVsbG8gd29ybGQ=',
    path: '/var/lib/app/data.db', text: 'Hello, World',
  },
};

const SVC_DATA = {
  svc: {
    a: '{"name":"a","port":80,"weight":1.5,"tags":["x","y"],"meta":{"zone":"eu","rack":"r1"},"on":true,"nil":null}',
    b: '{"name":"b","port":8080,"weight":2,"tags":[],"meta":{},"on":false}',
  },
  top: 'root-value',
  deep: { l1: { l2: { l3: 'bottom' } } },
  nums: { one: '1', ten: '10', neg: '-3', bad: 'x1' },
  str: { empty: '', space: '  padded  ', multi: 'line1\nline2', quote: 'say "hi" & <bye>', uni: 'héllo wörld ✓' },
};

export type DataSet = 'app' | 'svc';

function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}/${k}`, out);
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]');
  return new RegExp(`^${body}$`);
}

const kvPair = (key: string, value: string): GoValue => ({ Key: key, Value: value, [GO_TYPE_NAME]: 'memkv.KVPair' });

/** A confd-flavored FuncMap over one data set. */
export function confdStubs(dataSet: DataSet): FuncMap {
  const store = flatten(dataSet === 'app' ? APP_DATA : SVC_DATA, '', new Map());
  const sortedKeys = [...store.keys()].sort();
  const matching = (pattern: string): string[] => sortedKeys.filter((k) => globToRegExp(pattern).test(k));
  return {
    getv: goFunc(['string'], (key: string, ...fallback: string[]) => {
      const value = store.get(key);
      if (value !== undefined) return value;
      if (fallback.length > 0) return fallback[0] as string;
      throw new Error(`key does not exist: ${key}`);
    }, 'string'),
    get: goFunc(['string'], (key: string) => {
      const value = store.get(key);
      if (value === undefined) throw new Error(`key does not exist: ${key}`);
      return kvPair(key, value);
    }),
    gets: goFunc(['string'], (pattern: string) => matching(pattern).map((k) => kvPair(k, store.get(k) as string))),
    getvs: goFunc(['string'], (pattern: string) => matching(pattern).map((k) => store.get(k) as string).sort()),
    exists: goFunc(['string'], (key: string) => store.has(key)),
    split: goFunc(['string', 'string'], (s: string, sep: string) => s.split(sep)),
    join: goFunc(['[]string', 'string'], (list: string[], sep: string) => list.join(sep)),
    seq: goFunc(['int', 'int'], (first: number, last: number) => {
      const out: number[] = [];
      for (let i = first; i <= last; i++) out.push(i);
      return out;
    }),
    json: goFunc(['string'], (s: string) => fromJSON(JSON.parse(s))),
    jsonArray: goFunc(['string'], (s: string) => fromJSON(JSON.parse(s))),
    atoi: goFunc(['string'], (s: string) => {
      if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing "${s}": invalid syntax`);
      return Number(s);
    }),
    add: goFunc(['int', 'int'], (a: number, b: number) => a + b),
    base: goFunc(['string'], (p: string) => p.split('/').filter(Boolean).pop() ?? '/'),
    map: goFunc([], (...values: GoValue[]) => {
      if (values.length % 2 !== 0) throw new Error('invalid map call');
      const out = new Map<string, GoValue>();
      for (let i = 0; i < values.length; i += 2) out.set(values[i] as string, values[i + 1]);
      return out;
    }, 'any'),
    reverse: goFunc(['any'], (list: GoValue[]) => [...list].reverse()),
    parseBool: goFunc(['string'], (s: string) => {
      if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
      if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
      throw new Error(`strconv.ParseBool: parsing "${s}": invalid syntax`);
    }),
    toUpper: goFunc(['string'], (s: string) => s.toUpperCase()),
    toLower: goFunc(['string'], (s: string) => s.toLowerCase()),
    contains: goFunc(['string', 'string'], (s: string, sub: string) => s.includes(sub)),
    trimSuffix: goFunc(['string', 'string'], (s: string, suffix: string) => (s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s)),
    replace: goFunc(['string', 'string', 'string', 'int'], (s: string, old: string, rep: string, n: number) => {
      if (n < 0) return old === '' ? s.split('').join(rep).replace(/^/, rep) + rep : s.split(old).join(rep);
      let out = s;
      for (let i = 0; i < n; i++) out = out.replace(old, rep);
      return out;
    }),
  };
}
