/**
 * go-sockaddr's `math` (IfAddrMath): "address" and "network" move an address by a signed
 * offset (wrapping within the address space, or within the network), "mask" narrows the mask.
 */
import { quote } from '../../go/strconv.js';
import type { IfAddr } from './host.js';
import { formatIfAddr } from './host.js';
import { broadcastAddress, maskOf, networkAddress, type IPAddr } from './ip.js';

/** strconv.ParseInt / ParseUint(value, 10, bits): the value, or Go's error text. */
function parseInteger(value: string, bits: number, signed: boolean): bigint {
  const fn = signed ? 'ParseInt' : 'ParseUint';
  if (!(signed ? /^[+-]?[0-9]+$/ : /^\+?[0-9]+$/).test(value)) throw new Error(`strconv.${fn}: parsing ${quote(value)}: invalid syntax`);
  const n = BigInt(value);
  const [min, max] = signed ? [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n] : [0n, (1n << BigInt(bits)) - 1n];
  if (n < min || n > max) throw new Error(`strconv.${fn}: parsing ${quote(value)}: value out of range`);
  return n;
}

const width = (ip: IPAddr) => (ip.family === 4 ? 32n : 128n);
const space = (ip: IPAddr) => (1n << width(ip)) - 1n;

function mathOne(operation: string, value: string, ifAddr: IfAddr): IfAddr {
  const { ip } = ifAddr;
  const op = operation.toLowerCase();
  const number = (bits: number, signed: boolean) => {
    try {
      return parseInteger(value, bits, signed);
    } catch (error) {
      throw new Error(`unable to convert ${quote(value)} to int for operation ${quote(operation)}: ${(error as Error).message}`);
    }
  };
  const withAddress = (address: bigint, maskBits = ip.maskBits): IfAddr => ({ ...ifAddr, ip: { ...ip, address, maskBits, port: 0 } });
  if (op === 'address' || op === 'network') {
    if (!/^\s*[+-]/.test(value)) throw new Error(`sign (+/-) is required for operation ${quote(operation)}`);
    const i = number(ip.family === 4 ? 33 : 64, true);
    const mask = maskOf(ip);
    if (op === 'address') return withAddress((ip.address + i) & space(ip));
    if (ip.family === 4) {
      const wrapped = i >= 0n ? i : 1n + i + (space(ip) ^ mask);
      return withAddress((networkAddress(ip) + ((wrapped & space(ip)) & ~mask)) & space(ip));
    }
    // Go's big.Int AndNot on negatives is two's complement, as BigInt's & and ~ are.
    if (i > 0n) return withAddress(networkAddress(ip) + (i & ~mask));
    return withAddress(broadcastAddress(ip) - ((-i - 1n) & ~mask));
  }
  if (op === 'mask') {
    const bits = Number(number(32, false));
    if (bits > Number(width(ip))) {
      throw new Error(`parameter for operation ${quote(operation)} on ipv${ip.family} addresses must be between 0 and ${ip.family === 4 ? 32 : 64}`);
    }
    const narrowed = { ...ip, maskBits: bits };
    return withAddress(ip.address & maskOf(narrowed), Math.min(bits, ip.maskBits));
  }
  throw new Error(`unsupported math operation: ${quote(operation)}`);
}

/** IfAddrsMath: the operation on every address; a failure names the address it failed on. */
export function mathIfs(operation: string, value: string, ifAddrs: readonly IfAddr[]): IfAddr[] {
  return ifAddrs.map((ifAddr) => {
    try {
      return mathOne(operation, value, ifAddr);
    } catch (error) {
      throw new Error(`unable to perform an IPMath operation on ${formatIfAddr(ifAddr)}: ${(error as Error).message}`);
    }
  });
}
