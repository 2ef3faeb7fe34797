/**
 * go-sockaddr's IPv4Addr and IPv6Addr (ipv4addr.go, ipv6addr.go, ipaddr.go): an address, a
 * mask and a port, printed as Go's net.IP prints them, with the attributes `attr` and `join`
 * read.
 */

export interface IPAddr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly maskBits: number;
  readonly port: number;
}

const bitsOf = (ip: IPAddr) => (ip.family === 4 ? 32 : 128);
const allOnes = (bits: number) => (1n << BigInt(bits)) - 1n;

export const maskOf = (ip: IPAddr): bigint => allOnes(bitsOf(ip)) ^ allOnes(bitsOf(ip) - ip.maskBits);
export const networkAddress = (ip: IPAddr): bigint => ip.address & maskOf(ip);
export const broadcastAddress = (ip: IPAddr): bigint => networkAddress(ip) | (allOnes(bitsOf(ip)) ^ maskOf(ip));

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^[0-9]{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function parseIPv6(text: string): bigint | undefined {
  let tail: bigint[] = [];
  let body = text;
  const v4 = /^(.*:)([0-9.]+)$/.exec(text);
  if (v4 && v4[2]!.includes('.')) {
    const embedded = parseIPv4(v4[2]!);
    if (embedded === undefined) return undefined;
    tail = [embedded >> 16n, embedded & 0xffffn];
    body = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const count = head.length + rest.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const words = [...head.map((g) => BigInt(`0x${g}`)), ...Array<bigint>(8 - count).fill(0n), ...rest.map((g) => BigInt(`0x${g}`)), ...tail];
  return words.reduce((n, w) => (n << 16n) | w, 0n);
}

/**
 * NewIPAddr: "a.b.c.d", "a.b.c.d/n", "a.b.c.d:port", an IPv6 address with /n, or "[v6]:port".
 * An IPv4-mapped IPv6 address is an IPv4 address (Go's To4), unless `family` 6 asks for an
 * IPv6Addr (NewIPv6Addr). Undefined when it is neither.
 */
export function parseIPAddr(text: string, family?: 6): IPAddr | undefined {
  const cidr = /^([^/]+)\/([0-9]{1,3})$/.exec(text);
  const host = cidr ? cidr[1]! : text;
  const bits = cidr ? Number(cidr[2]) : undefined;
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return bits === undefined || bits <= 32 ? { family: 4, address: v4, maskBits: bits ?? 32, port: 0 } : undefined;
  const withPort = /^(?:\[([^\]]+)\]|([0-9.]+)):([0-9]{1,5})$/.exec(text);
  if (withPort && !cidr) {
    const port = Number(withPort[3]);
    const inner = parseIPAddr(withPort[1] ?? withPort[2]!);
    return inner && port <= 65535 ? { ...inner, maskBits: inner.family === 4 ? 32 : 128, port } : undefined;
  }
  const v6 = parseIPv6(host);
  if (v6 === undefined || (bits !== undefined && bits > 128)) return undefined;
  if (v6 >> 32n === 0xffffn && family !== 6) {
    // ParseCIDR of an IPv4-mapped address: go-sockaddr takes it as IPv4 (mask bits - 96).
    const maskBits = bits === undefined ? 32 : Math.max(bits - 96, 0);
    return { family: 4, address: v6 & 0xffffffffn, maskBits, port: 0 };
  }
  return { family: 6, address: v6, maskBits: bits ?? 128, port: 0 };
}

const formatIPv4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');

/**
 * Go's net.IP.String for an IPv6 address: the longest run of two or more zero groups as "::".
 * A value past 128 bits (go-sockaddr's `math "network"` can make one) keeps the first 16 bytes
 * of its magnitude, as bigIntToNetIPv6's copy does.
 */
function formatIPv6(value: bigint): string {
  let n = value < 0n ? -value : value;
  const bytes = n.toString(16).length + 1 >> 1;
  if (bytes > 16) n >>= BigInt(8 * (bytes - 16));
  const words = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  if (words.slice(0, 6).every((w, i) => (i < 5 ? w === 0 : w === 0xffff))) return formatIPv4(n & 0xffffffffn);
  let start = -1;
  let end = -1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j > i && j - i > end - start) [start, end] = [i, j];
    if (j > i) i = j;
  }
  if (end - start <= 1) start = end = -1;
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  return start === -1 ? hex(words) : `${hex(words.slice(0, start))}::${hex(words.slice(end))}`;
}

/** The address alone, as net.IP.String prints it. */
export const formatAddress = (family: 4 | 6, address: bigint): string => (family === 4 ? formatIPv4(address) : formatIPv6(address));

/** SockAddr.String: "addr", "addr/bits", "addr:port" or "[addr]:port". */
export function formatIPAddr(ip: IPAddr): string {
  const address = formatAddress(ip.family, ip.address);
  if (ip.port !== 0) return ip.family === 4 ? `${address}:${ip.port}` : `[${address}]:${ip.port}`;
  return ip.maskBits === bitsOf(ip) ? address : `${address}/${ip.maskBits}`;
}

const hostOf = (family: 4 | 6, address: bigint, port = 0): IPAddr => ({ family, address, maskBits: family === 4 ? 32 : 128, port });

/** IPv4Addr.Contains / IPv6Addr.Contains: `other`'s whole network lies inside `net`'s (same family only). */
export function contains(net: IPAddr, other: IPAddr): boolean {
  if (net.family !== other.family) return false;
  return networkAddress(net) <= networkAddress(other) && broadcastAddress(net) >= broadcastAddress(other);
}

function firstUsable(ip: IPAddr): IPAddr {
  const network = networkAddress(ip);
  return hostOf(ip.family, ip.family === 4 && ip.maskBits < 31 ? network + 1n : network);
}

function lastUsable(ip: IPAddr): IPAddr {
  const broadcast = broadcastAddress(ip);
  return hostOf(ip.family, ip.family === 4 && ip.maskBits < 31 ? broadcast - 1n : broadcast);
}

function octets(ip: IPAddr): number[] {
  const count = ip.family === 4 ? 4 : 16;
  return Array.from({ length: count }, (_, i) => Number((ip.address >> BigInt(8 * (count - 1 - i))) & 0xffn));
}

/** IPAddrAttr, then IPv4AddrAttr / IPv6AddrAttr: the attribute's text, or undefined when unknown. */
export function ipAttribute(ip: IPAddr, name: string): string | undefined {
  const bits = bitsOf(ip);
  switch (name) {
    case 'address': return formatAddress(ip.family, ip.address);
    case 'binary': return ip.address.toString(2).padStart(bits, '0');
    case 'first_usable': return formatIPAddr(firstUsable(ip));
    case 'hex': return ip.address.toString(16).padStart(bits / 4, '0');
    case 'host': return formatIPAddr(hostOf(ip.family, ip.address, ip.port));
    case 'last_usable': return formatIPAddr(lastUsable(ip));
    case 'mask_bits': return String(ip.maskBits);
    case 'netmask': return formatAddress(ip.family, maskOf(ip));
    case 'network': return formatAddress(ip.family, networkAddress(ip));
    case 'octets': return octets(ip).join(' ');
    case 'port': return String(ip.port);
    case 'size': return (1n << BigInt(bits - ip.maskBits)).toString();
    case 'broadcast': return ip.family === 4 ? formatIPAddr(hostOf(4, broadcastAddress(ip))) : undefined;
    case 'uint32': return ip.family === 4 ? ip.address.toString() : undefined;
    case 'uint128': return ip.family === 6 ? ip.address.toString() : undefined;
    case 'string': return formatIPAddr(ip);
    case 'type': return ip.family === 4 ? 'IPv4' : 'IPv6';
    default: return undefined;
  }
}

/** The mask as net.IPMask bytes (4 or 16), which `sort "size"` compares. */
export function maskBytes(ip: IPAddr): number[] {
  return octets({ ...ip, address: maskOf(ip) });
}

const inRange = (ip: IPAddr, prefix: bigint, bits: number) => ip.address >> BigInt(bitsOf(ip) - bits) === prefix;

/** net.IP's predicates, for `include "flag" …`. */
export const ipPredicates = {
  isLoopback: (ip: IPAddr) => (ip.family === 4 ? inRange(ip, 127n, 8) : ip.address === 1n),
  isMulticast: (ip: IPAddr) => (ip.family === 4 ? inRange(ip, 0xen, 4) : inRange(ip, 0xffn, 8)),
  isUnspecified: (ip: IPAddr) => ip.address === 0n,
  isLinkLocalUnicast: (ip: IPAddr) => (ip.family === 4 ? inRange(ip, 0xa9fen, 16) : inRange(ip, 0x3fan, 10)),
  isLinkLocalMulticast: (ip: IPAddr) => (ip.family === 4 ? inRange(ip, 0xe00000n, 24) : (ip.address >> 112n & 0xff0fn) === 0xff02n),
  isInterfaceLocalMulticast: (ip: IPAddr) => ip.family === 6 && (ip.address >> 112n & 0xff0fn) === 0xff01n,
  isGlobalUnicast: (ip: IPAddr) =>
    !(ip.family === 4 && ip.address === 0xffffffffn) &&
    !ipPredicates.isUnspecified(ip) &&
    !ipPredicates.isLoopback(ip) &&
    !ipPredicates.isMulticast(ip) &&
    !ipPredicates.isLinkLocalUnicast(ip),
};
