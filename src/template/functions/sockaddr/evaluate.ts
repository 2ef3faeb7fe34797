/**
 * consul-template's `sockaddr`: go-sockaddr's template.Parse of "{{ ARGS }}" (args joined with
 * spaces), a Go template run with missingkey=error, every interface address as dot, and
 * go-sockaddr's functions (template/template.go).
 */
import { formatValue, typeString } from '../../go/print.js';
import { quote } from '../../go/strconv.js';
import { executeGoTemplate, parseGoTemplate } from '../../go/index.js';
import { goFunc, goSlice, taggedType, type FuncMap, type GoStruct, type GoValue } from '../../go/values.js';
import { goObject } from '../methods.js';
import { formatFlags, formatIfAddr, localHost, type Host, type IfAddr } from './host.js';

export { localHost };
import { formatIPAddr } from './ip.js';
import {
  attribute,
  excludeIfs,
  includeIfs,
  interfaceIPs,
  joinIfs,
  offsetIfs,
  privateOrPublic,
  privateOrPublicIPs,
  sortIfs,
  uniqueIfs,
} from './ifaddrs.js';
import { mathIfs } from './math.js';

const IF_ADDRS = 'sockaddr.IfAddrs';
const IF_ADDR = 'sockaddr.IfAddr';
const unwrap = new WeakMap<object, IfAddr>();

/** An IfAddr as a template value: net.Interface's fields promoted, printed "ADDR {INDEX MTU NAME HW FLAGS}". */
function toValue(ifAddr: IfAddr): GoStruct {
  const { iface } = ifAddr;
  const text = formatIfAddr(ifAddr);
  const value = goObject(IF_ADDR, { String: goFunc([], () => text) }, {
    SockAddr: formatIPAddr(ifAddr.ip),
    Index: iface.index,
    MTU: iface.mtu,
    Name: iface.name,
    HardwareAddr: iface.hardwareAddr,
    Flags: formatFlags(iface.flags),
  });
  unwrap.set(value, ifAddr);
  return value;
}

const toValues = (ifAddrs: readonly IfAddr[]): GoValue[] => goSlice(IF_ADDRS, ifAddrs.map(toValue));

/** The IfAddrs argument of a go-sockaddr function; other values are the type error Go's call gives. */
function ifAddrsOf(value: GoValue): IfAddr[] {
  if (!isIfAddrs(value)) throw new Error(`wrong type for value; expected ${IF_ADDRS}; got ${typeString(value)}`);
  return value.map((item) => unwrap.get(item as object)!);
}

const isIfAddrs = (value: GoValue): value is readonly GoValue[] => Array.isArray(value) && taggedType(value) === IF_ADDRS;

function sockaddrFuncs(host: Host): FuncMap {
  const ifs = (param: GoValue) => ifAddrsOf(param);
  return {
    GetAllInterfaces: goFunc([], () => toValues(host.interfaces())),
    GetDefaultInterfaces: goFunc([], () => {
      const name = host.defaultInterfaceName();
      return toValues(host.interfaces().filter((ifAddr) => ifAddr.iface.name === name));
    }),
    GetPrivateInterfaces: goFunc([], () => toValues(privateOrPublic(host, true))),
    GetPublicInterfaces: goFunc([], () => toValues(privateOrPublic(host, false))),
    sort: goFunc(['string', 'any'], (selector: string, list: GoValue) => toValues(sortIfs(host, selector, ifs(list)))),
    include: goFunc(['string', 'string', 'any'], (name: string, param: string, list: GoValue) => toValues(includeIfs(name, param, ifs(list)))),
    exclude: goFunc(['string', 'string', 'any'], (name: string, param: string, list: GoValue) => toValues(excludeIfs(name, param, ifs(list)))),
    attr: goFunc(['string', 'any'], (name: string, value: GoValue) => {
      const single = value && typeof value === 'object' && !Array.isArray(value) ? unwrap.get(value) : undefined;
      if (single) return attribute(single, name);
      if (!isIfAddrs(value)) throw new Error(`unable to obtain attribute ${name} from type ${typeString(value)} (${formatValue(value)})`);
      const list = ifs(value);
      return list.length === 0 ? '' : attribute(list[0]!, name);
    }),
    join: goFunc(['string', 'string', 'any'], (name: string, separator: string, list: GoValue) => joinIfs(name, separator, ifs(list))),
    limit: goFunc(['int', 'any'], (count: number, list: GoValue) => {
      if (count < 0) throw new Error(`expected unsigned integer; found ${count}`);
      return toValues(ifs(list).slice(0, count));
    }),
    offset: goFunc(['int', 'any'], (offset: number, list: GoValue) => toValues(offsetIfs(offset, ifs(list)))),
    math: goFunc(['string', 'string', 'any'], (operation: string, value: string, list: GoValue) => toValues(mathIfs(operation, value, ifs(list)))),
    unique: goFunc(['string', 'any'], (name: string, list: GoValue) => toValues(uniqueIfs(name, ifs(list)))),
    GetPrivateIP: goFunc([], () => firstAddress(privateOrPublic(host, true))),
    GetPrivateIPs: goFunc([], () => privateOrPublicIPs(host, true)),
    GetPublicIP: goFunc([], () => firstAddress(privateOrPublic(host, false))),
    GetPublicIPs: goFunc([], () => privateOrPublicIPs(host, false)),
    GetInterfaceIP: goFunc(['string'], (name: string) => interfaceIPs(host, name, true)),
    GetInterfaceIPs: goFunc(['string'], (name: string) => interfaceIPs(host, name, false)),
  };
}

function firstAddress(ifAddrs: readonly IfAddr[]): string {
  const first = ifAddrs[0];
  return first ? attribute(first, 'address') : '';
}

const funcsByHost = new WeakMap<Host, { funcs: FuncMap; names: ReadonlySet<string> }>();

/**
 * Evaluates `sockaddr ARGS…` on `host`: the template's output, or throws go-sockaddr's error
 * ("unable to parse template …" / "unable to execute sockaddr input …").
 */
export function evaluateSockaddr(args: readonly string[], host: Host): string {
  let entry = funcsByHost.get(host);
  if (!entry) {
    const funcs = sockaddrFuncs(host);
    funcsByHost.set(host, (entry = { funcs, names: new Set(Object.keys(funcs)) }));
  }
  const input = `{{ ${args.join(' ')} }}`;
  let template;
  try {
    template = parseGoTemplate('sockaddr.Parse', input, { funcNames: entry.names });
  } catch (error) {
    throw new Error(`unable to parse template ${quote(input, true)}: ${(error as Error).message}`);
  }
  try {
    return executeGoTemplate(template, toValues(host.interfaces()), entry.funcs, { missingKey: 'error' });
  } catch (error) {
    throw new Error(`unable to execute sockaddr input ${quote(input, true)}: ${(error as Error).message}`);
  }
}
