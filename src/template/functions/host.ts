import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { goFunc, type FuncMap } from '../go/values.js';

/**
 * The confd fork's host functions: `hostname` (os.Hostname) and `lookupIfaceIPV4/6` (the first
 * IPv4 / IPv6 address of a named interface, "" when the interface or such an address is absent).
 * Like the DNS functions they read the host, not the render's data; both calls are synchronous
 * and cheap (gethostname, getifaddrs), so they are not cached.
 */

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Go's IP.To4: the dotted form of an IPv4 or IPv4-mapped IPv6 address, else undefined. */
function to4(info: NetworkInterfaceInfo): string | undefined {
  if (info.family === 'IPv4') return info.address;
  return V4_MAPPED.exec(info.address)?.[1];
}

function interfaceAddresses(name: string): readonly NetworkInterfaceInfo[] {
  const interfaces = networkInterfaces();
  return Object.hasOwn(interfaces, name) ? (interfaces[name] ?? []) : [];
}

export function lookupIfaceIPV4(name: string): string {
  for (const info of interfaceAddresses(name)) {
    const v4 = to4(info);
    if (v4 !== undefined) return v4;
  }
  return '';
}

export function lookupIfaceIPV6(name: string): string {
  return interfaceAddresses(name).find((info) => to4(info) === undefined)?.address ?? '';
}

export function hostFuncs(): FuncMap {
  return {
    hostname: goFunc([], () => hostname()),
    lookupIfaceIPV4: goFunc(['string'], lookupIfaceIPV4),
    lookupIfaceIPV6: goFunc(['string'], lookupIfaceIPV6),
  };
}
