import type { ConnectCaRoot, ConnectLeafCert, HealthService } from '../../types/data.js';
import { GoInt, goFunc, goSlice, type FuncMap, type GoStruct, type GoValue } from '../go/values.js';
import type { FunctionContext } from './context.js';
import { goStruct } from './methods.js';
import { parseHealthService } from './query.js';
import { toHealthService } from './shapes.js';
import { goTime } from './time.js';

/**
 * consul-template's Consul Connect functions (0.23): `connect` (Connect-capable instances, as
 * `service` reads them), `caRoots` (the CA's root certificates) and `caLeaf` (a service's
 * leaf certificate and key). All three follow Consul's blocking queries.
 */

function connect(ctx: FunctionContext, args: readonly string[]): GoStruct[] {
  if (args.length === 0 || args[0] === '') return goSlice('[]*dependency.HealthService', []);
  const data = ctx.data.read({ ...parseHealthService(args.join('|')), connect: true }) as HealthService[] | undefined;
  return goSlice('[]*dependency.HealthService', (data ?? []).map(toHealthService));
}

/** A nil `[]*api.CARoot` until the roots arrive, as consul-template returns. */
function caRoots(ctx: FunctionContext): GoValue {
  const roots = ctx.data.read({ type: 'connect.caroots' }) as ConnectCaRoot[] | undefined;
  return goSlice('[]*api.CARoot', (roots ?? []).map(toCaRoot));
}

/** nil (an empty interface) for no service or no certificate yet, else `*api.LeafCert`. */
function caLeaf(ctx: FunctionContext, args: readonly string[]): GoValue {
  if (args.length === 0 || args[0] === '') return null;
  const leaf = ctx.data.read({ type: 'connect.caleaf', service: args[0]! }) as ConnectLeafCert | undefined;
  return leaf ? toLeafCert(leaf) : null;
}

const uint64 = (n: bigint) => new GoInt(n, 'uint64');

export function toCaRoot(root: ConnectCaRoot): GoStruct {
  return goStruct('*api.CARoot', {
    ID: root.ID,
    Name: root.Name,
    RootCertPEM: root.RootCertPEM,
    Active: root.Active,
    CreateIndex: uint64(root.CreateIndex),
    ModifyIndex: uint64(root.ModifyIndex),
  });
}

export function toLeafCert(leaf: ConnectLeafCert): GoStruct {
  return goStruct('*api.LeafCert', {
    SerialNumber: leaf.SerialNumber,
    CertPEM: leaf.CertPEM,
    PrivateKeyPEM: leaf.PrivateKeyPEM,
    Service: leaf.Service,
    ServiceURI: leaf.ServiceURI,
    ValidAfter: goRfc3339(leaf.ValidAfter),
    ValidBefore: goRfc3339(leaf.ValidBefore),
    CreateIndex: uint64(leaf.CreateIndex),
    ModifyIndex: uint64(leaf.ModifyIndex),
  });
}

/** 0001-01-01T00:00:00Z, Go's zero time.Time. */
const GO_ZERO_TIME_MS = -62_135_596_800_000;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 timestamp as Go's JSON decoding makes it a time.Time: "Z" is UTC, an offset a
 * zone without a name (printed as the offset); the zero time when absent.
 */
function goRfc3339(text: string): GoStruct {
  const m = RFC3339.exec(text);
  if (!m) return goTime({ ms: GO_ZERO_TIME_MS, extraNanos: 0, offset: 0, zone: 'UTC' });
  const [, base = '', fraction = '', zone = 'Z'] = m;
  const nanos = Number(fraction.padEnd(9, '0'));
  const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = Date.parse(`${base}Z`) - offset * 60_000 + Math.floor(nanos / 1_000_000);
  return goTime({ ms, extraNanos: nanos % 1_000_000, offset, zone: zone === 'Z' ? 'UTC' : zone.replace(':', '') });
}

/** The Connect function set over `ctx`. */
export function connectFuncs(ctx: FunctionContext): FuncMap {
  return {
    connect: goFunc([], (...args: string[]) => connect(ctx, args), 'string'),
    caRoots: goFunc([], () => caRoots(ctx), 'string'),
    caLeaf: goFunc([], (...args: string[]) => caLeaf(ctx, args), 'string'),
  };
}
