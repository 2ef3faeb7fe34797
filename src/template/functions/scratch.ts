import { goFunc, type FuncMap, type GoStruct, type GoValue } from '../go/values.js';
import { quote } from '../go/strconv.js';
import type { DataReader, FunctionContext } from './context.js';
import { goObject } from './methods.js';

/**
 * consul-template's Scratch: a per-render scratch pad. `scratch` is a zero-argument function
 * returning the same `*template.Scratch` value (a GoObject, see methods.ts) for the whole render,
 * whose methods are Key Get Set SetX MapSet MapSetX MapValues.
 */

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function mapSet(values: Map<string, GoValue>, k: string, mk: string, v: GoValue, isOverwrite: boolean): string {
  if (!values.has(k)) values.set(k, new Map<string, GoValue>());
  const typed = values.get(k);
  if (!(typed instanceof Map)) throw new Error(`${quote(k)} is not a map`);
  const map = typed as Map<string, GoValue>;
  if (isOverwrite || !map.has(mk)) map.set(mk, v);
  return '';
}

/** Values of map `k` sorted by key; a nil slice (printed "[]") when `k` is not a map. */
function mapValues(values: Map<string, GoValue>, k: string): GoValue[] {
  const typed = values.get(k);
  if (!(typed instanceof Map)) return [];
  return [...typed.keys()].sort(compare).map((key) => typed.get(key));
}

/** A fresh Scratch value. */
export function createScratch(): GoStruct {
  const values = new Map<string, GoValue>();
  return goObject('*template.Scratch', {
    Key: goFunc(['string'], (k: string) => values.has(k)),
    Get: goFunc(['string'], (k: string) => values.get(k) ?? null),
    Set: goFunc(['string', 'any'], (k: string, v: GoValue) => (values.set(k, v), '')),
    SetX: goFunc(['string', 'any'], (k: string, v: GoValue) => (values.has(k) ? '' : (values.set(k, v), ''))),
    MapSet: goFunc(['string', 'string', 'any'], (k: string, mk: string, v: GoValue) => mapSet(values, k, mk, v, true)),
    MapSetX: goFunc(['string', 'string', 'any'], (k: string, mk: string, v: GoValue) => mapSet(values, k, mk, v, false)),
    MapValues: goFunc(['string'], (k: string) => mapValues(values, k)),
  });
}

/**
 * `scratch`: one Scratch per render. A function map may serve many renders (render.ts keeps one
 * per template and options); each render reads through its own `ctx.data`, so that marks it.
 */
export function scratchFuncs(ctx: FunctionContext): FuncMap {
  let pad: { readonly render: DataReader; readonly scratch: GoStruct } | undefined;
  return { scratch: goFunc([], () => (pad?.render === ctx.data ? pad : (pad = { render: ctx.data, scratch: createScratch() })).scratch) };
}
