import { quote } from '../../go/strconv.js';
import { goFunc, type FuncMap, type GoValue } from '../../go/values.js';
import { kindOf } from './cast.js';

/** sprig's urlParse and urlJoin on a port of the parts of Go's net/url they use. */

type Mode = 'path' | 'host' | 'userPassword' | 'fragment';

function shouldEscape(c: string, mode: Mode): boolean {
  if (/[A-Za-z0-9]/.test(c)) return false;
  if (mode === 'host' && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userPassword') return '@/?:'.includes(c);
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += shouldEscape(c, mode) ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

function unescape(s: string, mode?: Mode): string {
  if (mode === 'host') {
    const invalid = Array.from(s).find((c) => c.charCodeAt(0) < 0x80 && c !== '%' && shouldEscape(c, 'host'));
    if (invalid !== undefined) throw new Error(`invalid character ${quote(invalid)} in host name`);
  }
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/s.exec(s);
  if (bad) throw new Error(`invalid URL escape ${quote(`%${bad[1]}`)}`);
  return Buffer.from(s.replace(/%([0-9a-fA-F]{2})|[^%]+/g, (m, hex?: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : Buffer.from(m, 'utf8').toString('latin1'))), 'latin1').toString('utf8');
}

interface Url {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

function parseAuthority(url: Url, authority: string): void {
  const at = authority.lastIndexOf('@');
  const host = at < 0 ? authority : authority.slice(at + 1);
  if (!host.startsWith('[')) {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !/^:[0-9]*$/.test(host.slice(colon))) throw new Error(`invalid port ${quote(host.slice(colon))} after host`);
  }
  url.host = unescape(host, 'host');
  if (at < 0) return;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new Error('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  url.user = colon < 0 ? { username: unescape(userinfo) } : { username: unescape(userinfo.slice(0, colon)), password: unescape(userinfo.slice(colon + 1)) };
}

/** url.Parse. */
function parseUrl(raw: string): Url {
  const url: Url = { scheme: '', opaque: '', host: '', path: '', rawQuery: '', fragment: '' };
  const hash = raw.indexOf('#');
  let rest = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0) url.fragment = unescape(raw.slice(hash + 1));
  if (/[\x00-\x1f\x7f]/.test(rest)) throw new Error('net/url: invalid control character in URL');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (rest.startsWith(':')) throw new Error('missing protocol scheme');
  if (scheme) {
    url.scheme = scheme[1]!.toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  const question = rest.indexOf('?');
  if (question >= 0) [rest, url.rawQuery] = [rest.slice(0, question), rest.slice(question + 1)];
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    if (rest.split('/')[0]!.includes(':')) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    parseAuthority(url, slash < 0 ? rest.slice(2) : rest.slice(2, slash));
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  url.path = unescape(rest);
  return url;
}

function urlParse(raw: string): Map<string, GoValue> {
  let url: Url;
  try {
    url = parseUrl(raw);
  } catch (error) {
    throw new Error(`unable to parse url: parse ${quote(raw)}: ${(error as Error).message}`);
  }
  const hostname = url.host.startsWith('[') ? url.host.slice(1, url.host.indexOf(']')) : url.host.replace(/:[0-9]*$/, '');
  return new Map<string, GoValue>([
    ['scheme', url.scheme],
    ['host', url.host],
    ['hostname', hostname],
    ['path', url.path],
    ['query', url.rawQuery],
    ['opaque', url.opaque],
    ['fragment', url.fragment],
    ['userinfo', url.user ? userString(url.user) : ''],
  ]);
}

function userString(user: NonNullable<Url['user']>): string {
  const name = escape(user.username, 'userPassword');
  return user.password === undefined ? name : `${name}:${escape(user.password, 'userPassword')}`;
}

/** url.URL.String(). */
function formatUrl(url: Url): string {
  let out = url.scheme !== '' ? `${url.scheme}:` : '';
  if (url.opaque !== '') out += url.opaque;
  else {
    if (url.scheme !== '' || url.host !== '' || url.user) {
      if (url.host !== '' || url.path !== '' || url.user) out += '//';
      if (url.user) out += `${userString(url.user)}@`;
      if (url.host !== '') out += escape(url.host, 'host');
    }
    const path = url.path === '*' ? '*' : escape(url.path, 'path');
    if (path !== '' && !path.startsWith('/') && url.host !== '') out += '/';
    if (out === '' && path.split('/')[0]!.includes(':')) out += './';
    out += path;
  }
  if (url.rawQuery !== '') out += `?${url.rawQuery}`;
  if (url.fragment !== '') out += `#${escape(url.fragment, 'fragment')}`;
  return out;
}

/** sprig's dictGetOrEmpty: a string entry, "" when absent; any other kind panics. */
function entry(d: ReadonlyMap<string, GoValue>, key: string): string {
  if (!d.has(key)) return '';
  const value = d.get(key);
  if (typeof value !== 'string') throw new Error(`unable to parse ${key} key, must be of type string, but ${kindOf(value)} found`);
  return value;
}

function urlJoin(d: ReadonlyMap<string, GoValue>): string {
  const url: Url = {
    scheme: entry(d, 'scheme'),
    host: entry(d, 'host'),
    path: entry(d, 'path'),
    rawQuery: entry(d, 'query'),
    opaque: entry(d, 'opaque'),
    fragment: entry(d, 'fragment'),
  };
  const userinfo = entry(d, 'userinfo');
  if (userinfo !== '') {
    try {
      url.user = parseUrl(`proto://${userinfo}@host`).user;
    } catch (error) {
      throw new Error(`unable to parse userinfo in dict: parse ${quote(`proto://${userinfo}@host`)}: ${(error as Error).message}`);
    }
  }
  return formatUrl(url);
}

export function urlFuncs(): FuncMap {
  return {
    urlParse: goFunc(['string'], urlParse),
    urlJoin: goFunc(['map'], urlJoin),
  };
}
