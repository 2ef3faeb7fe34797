import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { formatIPAddr, parseIPAddr, type IPAddr } from './ip.js';

/** Go's net.Interface: what go-sockaddr prints after each address. */
export interface NetInterface {
  readonly index: number;
  readonly mtu: number;
  readonly name: string;
  /** "02:fc:00:00:00:01", or "" (loopback). */
  readonly hardwareAddr: string;
  readonly flags: number;
}

/** One address of one interface (go-sockaddr's IfAddr). */
export interface IfAddr {
  readonly ip: IPAddr;
  readonly iface: NetInterface;
}

/** The machine as go-sockaddr sees it; tests pass their own. */
export interface Host {
  interfaces(): readonly IfAddr[];
  /** The interface holding the default route; throws when there is none. */
  defaultInterfaceName(): string;
}

/** net.Flags bits (Linux IFF_* values mapped as Go 1.19's net package does). */
export const FLAG_UP = 1;
export const FLAG_BROADCAST = 2;
export const FLAG_LOOPBACK = 4;
export const FLAG_POINT_TO_POINT = 8;
export const FLAG_MULTICAST = 16;

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_POINTOPOINT = 0x10;
const IFF_MULTICAST = 0x1000;

const readSys = (name: string, file: string): string | undefined => {
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return undefined;
  }
};

function linuxFlags(raw: number): number {
  let flags = 0;
  if (raw & IFF_UP) flags |= FLAG_UP;
  if (raw & IFF_BROADCAST) flags |= FLAG_BROADCAST;
  if (raw & IFF_LOOPBACK) flags |= FLAG_LOOPBACK;
  if (raw & IFF_POINTOPOINT) flags |= FLAG_POINT_TO_POINT;
  if (raw & IFF_MULTICAST) flags |= FLAG_MULTICAST;
  return flags;
}

/**
 * Every address of every interface, in interface index order (net.Interfaces), from Node's
 * os.networkInterfaces() and, for index, MTU and flags, /sys/class/net (Linux).
 */
function readInterfaces(): IfAddr[] {
  const out: { index: number; order: number; addr: IfAddr }[] = [];
  let order = 0;
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    const internal = addresses?.[0]?.internal ?? false;
    const rawFlags = Number.parseInt(readSys(name, 'flags') ?? '', 16);
    const iface: NetInterface = {
      index: Number(readSys(name, 'ifindex') ?? 0),
      mtu: Number(readSys(name, 'mtu') ?? 0),
      name,
      hardwareAddr: internal ? '' : (addresses?.[0]?.mac ?? ''),
      flags: Number.isNaN(rawFlags) ? FLAG_UP | (internal ? FLAG_LOOPBACK : FLAG_BROADCAST | FLAG_MULTICAST) : linuxFlags(rawFlags),
    };
    for (const address of addresses ?? []) {
      // A link-local IPv6 address carries its zone in Node ("fe80::1%eth0"); Go's IPNet has none.
      const ip = parseIPAddr(address.cidr?.replace(/%[^/]*/, '') ?? address.address);
      if (ip) out.push({ index: iface.index, order: order++, addr: { ip, iface } });
    }
  }
  return out.sort((a, b) => a.index - b.index || a.order - b.order).map((entry) => entry.addr);
}

/** The default route's interface, read from /proc/net/route as go-sockaddr reads the routing table on Linux. */
function readDefaultInterfaceName(): string {
  let table: string;
  try {
    table = readFileSync('/proc/net/route', 'utf8');
  } catch {
    throw new Error('No default interface found');
  }
  for (const line of table.split('\n').slice(1)) {
    const [name, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (name && destination === '00000000' && mask === '00000000') return name;
  }
  throw new Error('No default interface found');
}

/** This machine. */
export const localHost: Host = { interfaces: readInterfaces, defaultInterfaceName: readDefaultInterfaceName };

/** Go's net.Flags.String: the set flags joined with "|", "0" when none. */
export function formatFlags(flags: number): string {
  const names = ['up', 'broadcast', 'loopback', 'pointtopoint', 'multicast'].filter((_, bit) => flags & (1 << bit));
  return names.length > 0 ? names.join('|') : '0';
}

/** IfAddr.String: "ADDRESS {INDEX MTU NAME HARDWARE FLAGS}" (the SockAddr, then %v of the net.Interface). */
export function formatIfAddr({ ip, iface }: IfAddr): string {
  return `${formatIPAddr(ip)} {${iface.index} ${iface.mtu} ${iface.name} ${iface.hardwareAddr} ${formatFlags(iface.flags)}}`;
}
