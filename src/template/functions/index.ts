import type { FuncMap } from '../go/values.js';
import { collectionFuncs } from './collections.js';
import { confdForkFuncs } from './confd-fork.js';
import { connectFuncs } from './connect.js';
import type { Flavor } from '../../types/template.js';
import type { DataReader, FunctionContext } from './context.js';
import { applyDenylist } from './denylist.js';
import { encodingFuncs } from './encoding.js';
import { envFuncs } from './env.js';
import { effectFuncs } from './files.js';
import { staticFlavorFuncs } from './flavors.js';
import { includeFuncs } from './include.js';
import { confdKvFuncs } from './kv-confd.js';
import { consulKvFuncs } from './kv-consul.js';
import { confdMathFuncs, consulMathFuncs } from './math.js';
import { netFuncs, type Resolver } from './net.js';
import { pkiFuncs } from './pki.js';
import { scratchFuncs } from './scratch.js';
import { serviceFuncs } from './services.js';
import { sockaddrFuncs, type Host } from './sockaddr/index.js';
import { mentionsSprig, PREFIXED_NAMES } from './sprig/names.js';
import { stringFuncs } from './strings.js';
import { timeFuncs } from './time.js';
import { vaultFuncs } from './vault.js';

export { GO_METHODS, methodOf } from './methods.js';

/** Impure collaborators, injectable for tests. */
export interface FuncMapOptions {
  readonly now?: () => number;
  readonly resolver?: Resolver;
  /** The interfaces `sockaddr` reads (default: this machine's). */
  readonly sockaddrHost?: Host;
  /** The sprig_* and spew_* implementations, when the template uses them (loadSprigFuncs). */
  readonly sprig?: FuncMap;
}

/**
 * consul-template's sprig_* and spew_* functions for a template of `flavor` whose text calls
 * any, else undefined. Imported on demand: most templates use none, and the ~200 functions
 * would otherwise load on every start.
 */
export async function loadSprigFuncs(flavor: Flavor, text: string): Promise<FuncMap | undefined> {
  if (flavor !== 'consul-template' || !mentionsSprig(text)) return undefined;
  const { sprigFuncs } = await import('./sprig/index.js');
  return sprigFuncs();
}

/**
 * The functions that need no render context, shared names in `flavor`'s meaning. Built once per
 * flavor (unless a test injects a clock or resolver): rebuilding ~120 closures on every render
 * cost more than rendering a small template.
 */
function staticFuncs(flavor: Flavor, options: FuncMapOptions): FuncMap {
  const build = () => ({
    ...confdMathFuncs(),
    ...consulMathFuncs(),
    ...stringFuncs(),
    ...encodingFuncs(),
    ...collectionFuncs(),
    ...netFuncs(options.resolver),
    ...timeFuncs(options.now),
    ...confdForkFuncs(),
    ...staticFlavorFuncs(flavor),
    // consul-template 0.22+; confd has no sockaddr.
    ...(flavor === 'consul-template' ? sockaddrFuncs(options.sockaddrHost) : {}),
  });
  if (options.now || options.resolver || options.sockaddrHost) return build();
  let funcs = staticByFlavor.get(flavor);
  if (!funcs) staticByFlavor.set(flavor, (funcs = build()));
  return funcs;
}

const staticByFlavor = new Map<Flavor, FuncMap>();

/**
 * The template functions of `ctx.flavor`: every function of confd and consul-template, the
 * shared names (`ls split join contains trimSuffix add …`, see flavors.ts) in the flavor's
 * meaning, with `ctx.denylist` applied (a denied function fails when called). Data functions
 * only record dependencies through `ctx.data`; `include` runs its templates with this very map.
 */
export function createFuncMap(ctx: FunctionContext, options: FuncMapOptions = {}): FuncMap {
  const confdKv = confdKvFuncs(ctx);
  const consulKv = consulKvFuncs(ctx);
  // Object.assign, not an object literal of spreads: with these ~100-key sources V8 took ~10×
  // longer for the spreads (18 µs vs 180 µs per render, measured with the test clock off).
  let all: FuncMap = {};
  const funcs: FuncMap = Object.assign(
    {},
    staticFuncs(ctx.flavor, options),
    confdKv,
    consulKv,
    serviceFuncs(ctx),
    envFuncs(ctx),
    scratchFuncs(ctx),
    vaultFuncs(ctx),
    includeFuncs(ctx, () => all),
    pkiFuncs(ctx),
    connectFuncs(ctx),
    effectFuncs(ctx),
    { ls: (ctx.flavor === 'confd' ? confdKv : consulKv).ls! },
    options.sprig,
  );
  return (all = applyDenylist(funcs, ctx.denylist));
}

const NO_DATA: DataReader = { read: () => undefined, markMissing: () => undefined };
const namesByFlavor = new Map<Flavor, ReadonlySet<string>>();

/**
 * The names `flavor` defines (denied ones included: they exist, they just fail), sprig_* and
 * spew_* included in the consul-template flavor though their implementations load on demand.
 */
export function functionNames(flavor: Flavor): ReadonlySet<string> {
  let names = namesByFlavor.get(flavor);
  if (!names) {
    const ctx: FunctionContext = { flavor, data: NO_DATA, env: {}, prefix: '/', denylist: [] };
    names = new Set(Object.keys(createFuncMap(ctx)));
    if (flavor === 'consul-template') PREFIXED_NAMES.forEach((name) => (names as Set<string>).add(name));
    namesByFlavor.set(flavor, names);
  }
  return names;
}
