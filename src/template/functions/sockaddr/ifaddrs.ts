/**
 * go-sockaddr's IfAddrs operations (ifaddrs.go, ifaddr.go, ifattr.go, rfc.go), ported with their
 * rules and error texts: the sources (all, default, private, public interfaces), include /
 * exclude by selector, sort by clauses, attr, join, unique, limit, offset.
 */
import { quote } from '../../go/strconv.js';
import { compileGoRegexp } from '../regexp.js';
import { FLAG_BROADCAST, FLAG_LOOPBACK, FLAG_MULTICAST, FLAG_POINT_TO_POINT, FLAG_UP, formatFlags, type Host, type IfAddr } from './host.js';
import { contains, formatAddress, formatIPAddr, ipAttribute, ipPredicates, maskBytes, parseIPAddr, type IPAddr } from './ip.js';
import { RFC_NETWORKS } from './rfc-table.js';

const FORWARDING_BLACKLIST = 4294967295;
const quoteAscii = (s: string) => quote(s, true);

let rfcs: Map<number, IPAddr[]> | undefined;

/** KnownRFCs(): each RFC's networks. */
function knownRFCs(): Map<number, IPAddr[]> {
  return (rfcs ??= new Map([...RFC_NETWORKS].map(([rfc, nets]) => [rfc, nets.split(' ').map((n) => parseIPAddr(n, n.includes(':') ? 6 : undefined)!)])));
}

const isRFC = (rfc: number, ip: IPAddr): boolean => knownRFCs().get(rfc)?.some((net) => contains(net, ip)) ?? false;

type Split = [matched: IfAddr[], remainder: IfAddr[]];

function partition(ifAddrs: readonly IfAddr[], test: (ifAddr: IfAddr) => boolean): Split {
  const split: Split = [[], []];
  for (const ifAddr of ifAddrs) split[test(ifAddr) ? 0 : 1].push(ifAddr);
  return split;
}

function byRegexp(kind: string, pattern: string, ifAddrs: readonly IfAddr[], text: (ifAddr: IfAddr) => string): Split {
  let re;
  try {
    re = compileGoRegexp(pattern);
  } catch (error) {
    throw new Error(`Unable to compile ${kind} regexp ${quoteAscii(pattern)}: ${(error as Error).message}`);
  }
  return partition(ifAddrs, (ifAddr) => re.matchString(text(ifAddr)));
}

const parseUnsigned = (text: string) => (/^[0-9]+$/.test(text) ? Number(text) : undefined);

function byRFC(selector: string, ifAddrs: readonly IfAddr[]): Split {
  const rfc = parseUnsigned(selector);
  if (rfc === undefined) throw new Error(`unable to parse RFC number ${quote(selector)}: strconv.ParseUint: parsing ${quote(selector)}: invalid syntax`);
  const nets = knownRFCs().get(rfc);
  if (!nets) throw new Error(`unsupported RFC ${rfc}`);
  return partition(ifAddrs, (ifAddr) => nets.some((net) => contains(net, ifAddr.ip)));
}

function byRFCs(selector: string, ifAddrs: readonly IfAddr[]): Split {
  const split: Split = [[], []];
  for (const rfc of selector.split('|')) {
    let one: Split;
    try {
      one = byRFC(rfc, ifAddrs);
    } catch (error) {
      throw new Error(`unable to lookup RFC number ${quote(rfc)}: ${(error as Error).message}`);
    }
    split[0].push(...one[0]);
    split[1].push(...one[1]);
  }
  return split;
}

function byMaskSize(selector: string, ifAddrs: readonly IfAddr[]): Split {
  const size = parseUnsigned(selector);
  if (size === undefined) throw new Error(`invalid exclude size argument (${quote(selector)}): strconv.ParseUint: parsing ${quote(selector)}: invalid syntax`);
  for (const { ip } of ifAddrs) {
    if (size > (ip.family === 4 ? 32 : 128)) throw new Error(`mask size out of bounds for IPv${ip.family} address: ${size}`);
  }
  return partition(ifAddrs, ({ ip }) => ip.maskBits === size);
}

function byType(selector: string, ifAddrs: readonly IfAddr[]): Split {
  const types = selector.toLowerCase().split('|');
  for (const type of types) if (!['ip', 'ipv4', 'ipv6', 'unix'].includes(type)) throw new Error(`unsupported type ${quote(type)} ${quote(selector)}`);
  const split: Split = [[], []];
  // As go-sockaddr does, once per type: an address can land in both lists.
  for (const ifAddr of ifAddrs) {
    for (const type of types) {
      const matched = type === 'ip' || type === `ipv${ifAddr.ip.family}`;
      split[matched ? 0 : 1].push(ifAddr);
    }
  }
  return split;
}

const FLAG_BITS: Readonly<Record<string, number>> = { broadcast: FLAG_BROADCAST, loopback: FLAG_LOOPBACK, multicast: FLAG_MULTICAST, 'point-to-point': FLAG_POINT_TO_POINT, up: FLAG_UP };
const ATTR_FLAGS: Readonly<Record<string, (ip: IPAddr) => boolean>> = {
  forwardable: (ip) => !isRFC(FORWARDING_BLACKLIST, ip),
  'global unicast': ipPredicates.isGlobalUnicast,
  'interface-local multicast': ipPredicates.isInterfaceLocalMulticast,
  'link-local multicast': ipPredicates.isLinkLocalMulticast,
  'link-local unicast': ipPredicates.isLinkLocalUnicast,
  loopback: ipPredicates.isLoopback,
  multicast: ipPredicates.isMulticast,
  unspecified: ipPredicates.isUnspecified,
};

/** IfByFlag: interface flags must all be set, or any wanted address property holds. */
function byFlag(selector: string, ifAddrs: readonly IfAddr[]): Split {
  let wantedFlags = 0;
  let checkFlags = false;
  const attrs: ((ip: IPAddr) => boolean)[] = [];
  for (const flag of selector.toLowerCase().split('|')) {
    // "down" only clears the up bit asked for so far: alone, it asks for no flag at all.
    if (flag === 'down') {
      checkFlags = true;
      wantedFlags &= ~FLAG_UP;
    } else if (!(flag in FLAG_BITS) && !(flag in ATTR_FLAGS)) throw new Error(`Unknown interface flag: ${quoteAscii(flag)}`);
    if (flag in FLAG_BITS) {
      checkFlags = true;
      wantedFlags |= FLAG_BITS[flag]!;
    }
    if (flag in ATTR_FLAGS) attrs.push(ATTR_FLAGS[flag]!);
  }
  return partition(ifAddrs, ({ ip, iface }) => (checkFlags && (iface.flags & wantedFlags) === wantedFlags) || attrs.some((test) => test(ip)));
}

function byNetwork(selector: string, ifAddrs: readonly IfAddr[]): Split {
  const split: Split = [[], []];
  for (const text of selector.split('|')) {
    const net = parseIPAddr(text);
    if (!net) throw new Error(`unable to create an IP address from ${quoteAscii(text)}: invalid IPAddr ${text}`);
    for (const ifAddr of ifAddrs) split[contains(net, ifAddr.ip) ? 0 : 1].push(ifAddr);
  }
  return split;
}

function select(kind: 'include' | 'exclude', selector: string, param: string, ifAddrs: readonly IfAddr[]): IfAddr[] {
  const split = ((): Split => {
    switch (selector.toLowerCase()) {
      case 'address': return byRegexp('address', param, ifAddrs, ({ ip }) => formatIPAddr(ip));
      case 'flag': case 'flags': return byFlag(param, ifAddrs);
      case 'name': return byRegexp('name', param, ifAddrs, ({ iface }) => iface.name);
      case 'network': return byNetwork(param, ifAddrs);
      case 'port': return byRegexp('port', param, ifAddrs, ({ ip }) => String(ip.port));
      case 'rfc': case 'rfcs': return byRFCs(param, ifAddrs);
      case 'size': return byMaskSize(param, ifAddrs);
      case 'type': return byType(param, ifAddrs);
      default: throw new Error(`invalid ${kind} selector ${quote(selector)}`);
    }
  })();
  return kind === 'include' ? split[0] : split[1];
}

export const includeIfs = (selector: string, param: string, ifAddrs: readonly IfAddr[]) => select('include', selector, param, ifAddrs);
export const excludeIfs = (selector: string, param: string, ifAddrs: readonly IfAddr[]) => select('exclude', selector, param, ifAddrs);

type Compare = (a: IfAddr, b: IfAddr) => number;

const sign = (n: number | bigint) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const compareBytes = (a: readonly number[], b: readonly number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return sign(a[i]! - b[i]!);
  return sign(a.length - b.length);
};

function comparators(host: Host): Readonly<Record<string, Compare>> {
  const defaultName = (): string | undefined => {
    try {
      return host.defaultInterfaceName();
    } catch {
      return undefined;
    }
  };
  const inPrivate = (ip: IPAddr) => isRFC(6890, ip);
  return {
    address: (a, b) => (a.ip.family === b.ip.family ? sign(a.ip.address - b.ip.address) : 0),
    default: (a, b) => {
      const name = defaultName();
      if (name === undefined) return 0;
      const [isA, isB] = [a.iface.name === name, b.iface.name === name];
      return isA === isB ? 0 : isA ? -1 : 1;
    },
    name: (a, b) => (a.iface.name < b.iface.name ? -1 : a.iface.name > b.iface.name ? 1 : 0),
    port: (a, b) => sign(a.ip.port - b.ip.port),
    // CmpRFC: against another family, only "receiver in the RFC" decides.
    private: (a, b) => {
      const [isA, isB] = [inPrivate(a.ip), a.ip.family === b.ip.family ? inPrivate(b.ip) : undefined];
      if (isB === undefined) return isA ? -1 : 0;
      return isA === isB ? 0 : isA ? -1 : 1;
    },
    size: (a, b) => (a.ip.family === b.ip.family ? compareBytes(maskBytes(a.ip), maskBytes(b.ip)) : 0),
    type: (a, b) => sign(typeBit(a.ip) - typeBit(b.ip)),
  };
}

const typeBit = (ip: IPAddr) => (ip.family === 4 ? 2 : 4);

/**
 * OrderedIfAddrBy(...).Sort: Less is "the first comparison that decides says -1". Go's sort.Sort
 * sorts up to 12 items by insertion, which this reproduces exactly, also for go-sockaddr's
 * comparisons that are not consistent (CmpRFC puts any in-RFC address before one of the other
 * family, both ways round). Longer lists (Go's pdqsort) are sorted stably instead.
 */
function orderBy(ifAddrs: readonly IfAddr[], compares: readonly Compare[]): IfAddr[] {
  const isLess = (a: IfAddr, b: IfAddr) => {
    for (const compare of compares) {
      const result = compare(a, b);
      if (result !== 0) return result < 0;
    }
    return false;
  };
  const out = [...ifAddrs];
  if (out.length > 12) return out.sort((a, b) => (isLess(a, b) ? -1 : isLess(b, a) ? 1 : 0));
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && isLess(out[j]!, out[j - 1]!); j--) [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
  }
  return out;
}

/** SortIfBy: clauses like "+type,-size". */
export function sortIfs(host: Host, selector: string, ifAddrs: readonly IfAddr[]): IfAddr[] {
  const byName = comparators(host);
  const compares = selector.split(',').map((clause): Compare => {
    const match = /^([+-]?)(address|default|name|port|private|size|type)$/.exec(clause.trim().toLowerCase());
    if (!match) throw new Error(`unknown sort type: ${quote(clause)}`);
    const compare = byName[match[2]!]!;
    return match[1] === '-' ? (a, b) => -compare(a, b) : compare;
  });
  return orderBy(ifAddrs, compares);
}

/** IfAddr.Attr: the interface's name or flags, else the address's attribute; unknown names are errors. */
export function attribute(ifAddr: IfAddr, selector: string): string {
  const name = selector.toLowerCase();
  if (name === 'name' && ifAddr.iface.name !== '') return ifAddr.iface.name;
  if (name === 'flags') return formatFlags(ifAddr.iface.flags);
  const value = ipAttribute(ifAddr.ip, name);
  if (value === undefined) throw new Error(`unsupported attribute name ${quote(name)}`);
  return value;
}

export function joinIfs(selector: string, separator: string, ifAddrs: readonly IfAddr[]): string {
  return ifAddrs.map((ifAddr) => attribute(ifAddr, selector)).join(separator);
}

export function uniqueIfs(selector: string, ifAddrs: readonly IfAddr[]): IfAddr[] {
  const name = selector.toLowerCase();
  if (name !== 'address' && name !== 'name') throw new Error(`unsupported unique constraint ${quoteAscii(selector)}`);
  let last = '';
  return ifAddrs.filter((ifAddr) => {
    const value = name === 'address' ? formatIPAddr(ifAddr.ip) : ifAddr.iface.name;
    if (last !== '' && last === value) return false;
    last = value;
    return true;
  });
}

export function offsetIfs(offset: number, ifAddrs: readonly IfAddr[]): IfAddr[] {
  const count = Math.abs(offset);
  if (count > ifAddrs.length) {
    throw new Error(`unable to seek past the end of the interface array: offset (${count}) exceeds the number of interfaces (${ifAddrs.length})`);
  }
  return offset < 0 ? ifAddrs.slice(ifAddrs.length - count) : ifAddrs.slice(count);
}

/** GetPrivateInterfaces / GetPublicInterfaces: forwardable, up, default interface first, then RFC 6890 in or out. */
export function privateOrPublic(host: Host, isPrivate: boolean): IfAddr[] {
  let ifAddrs = byFlag('forwardable', host.interfaces())[0];
  ifAddrs = byFlag('up', ifAddrs)[0];
  const byName = comparators(host);
  ifAddrs = orderBy(ifAddrs, [byName.default!, byName.type!, byName.size!]);
  return byRFC('6890', ifAddrs)[isPrivate ? 0 : 1];
}

/** GetPrivateIPs / GetPublicIPs: every address in (or out of) RFC 6890, type then size order. */
export function privateOrPublicIPs(host: Host, isPrivate: boolean): string {
  const byName = comparators(host);
  let ifAddrs = orderBy(host.interfaces(), [byName.type!, byName.size!]);
  ifAddrs = byRFC('6890', ifAddrs)[isPrivate ? 0 : 1];
  if (isPrivate) ifAddrs = byRFC(String(FORWARDING_BLACKLIST), ifAddrs)[1];
  return ifAddrs.map(({ ip }) => formatAddress(ip.family, ip.address)).join(' ');
}

/** GetInterfaceIP(s): the named interfaces' addresses (forwardable ones for the single IP), type then size order. */
export function interfaceIPs(host: Host, nameRegexp: string, isFirstOnly: boolean): string {
  let ifAddrs = byRegexp('name', nameRegexp, host.interfaces(), ({ iface }) => iface.name)[0];
  if (isFirstOnly) ifAddrs = byFlag('forwardable', ifAddrs)[0];
  ifAddrs = sortIfs(host, '+type,+size', ifAddrs);
  if (ifAddrs.length === 0) return '';
  if (isFirstOnly) return formatAddress(ifAddrs[0]!.ip.family, ifAddrs[0]!.ip.address);
  return ifAddrs.map(({ ip }) => formatAddress(ip.family, ip.address)).join(' ');
}
