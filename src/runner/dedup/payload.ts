import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { kvMetaOf, withKvMeta, type KvMeta } from '../../types/data.js';

/**
 * What a leader publishes for one template: the data of its shared dependencies, keyed by their
 * canonical keys, as JSON (Maps, their Consul metadata and bigints tagged) compressed with raw
 * deflate. A payload names its format, so data another tool (or another version) wrote under
 * the prefix is refused, not rendered.
 */
const FORMAT = 'ctmpl-dedup/1';

export type Published =
  | { readonly kind: 'data'; readonly data: ReadonlyMap<string, unknown> }
  /** The data did not fit the store: every instance watches the template's dependencies itself. */
  | { readonly kind: 'direct'; readonly reason: string };

/** The JSON text of a data payload: equal texts mean equal data (published once). */
export function payloadText(data: ReadonlyMap<string, unknown>): string {
  return JSON.stringify({ format: FORMAT, data: [...data].map(([key, value]) => [key, tagged(value)]) });
}

export function compressPayload(text: string): Buffer {
  return deflateRawSync(text);
}

export function directPayload(reason: string): Buffer {
  return deflateRawSync(JSON.stringify({ format: FORMAT, direct: reason }));
}

/** Reads a payload; throws when it is not one of ctmpl's (the message says why). */
export function decodePayload(bytes: Uint8Array): Published {
  let parsed: { format?: unknown; data?: unknown; direct?: unknown };
  try {
    parsed = JSON.parse(inflateRawSync(bytes).toString('utf8')) as typeof parsed;
  } catch {
    throw new Error('not a ctmpl payload (not deflated JSON)');
  }
  if (parsed.format !== FORMAT) throw new Error(`format ${JSON.stringify(parsed.format)}, want ${FORMAT}`);
  if (typeof parsed.direct === 'string') return { kind: 'direct', reason: parsed.direct };
  if (!Array.isArray(parsed.data)) throw new Error('no data');
  return { kind: 'data', data: new Map((parsed.data as [string, unknown][]).map(([key, value]) => [key, untagged(value)])) };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function tagged(value: unknown): Json {
  if (value instanceof Map) {
    const entries: Json[] = [...(value as Map<string, unknown>)].map(([key, item]) => [key, tagged(item)]);
    const meta = [...value.keys()].map((key: string) => kvMetaOf(value as ReadonlyMap<string, string>, key));
    return meta.some(Boolean) ? { $map: entries, $meta: meta.map((item) => (item ? tagged(item) : null)) } : { $map: entries };
  }
  if (typeof value === 'bigint') return { $big: String(value) };
  if (Array.isArray(value)) return value.map(tagged);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = tagged(item);
    return Object.keys(out).some((key) => key.startsWith('$')) ? { $obj: out } : out;
  }
  return value as Json;
}

function untagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untagged);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('$big' in object) return BigInt(object.$big as string);
  if ('$obj' in object) return plain(object.$obj as Record<string, unknown>);
  if ('$map' in object) {
    const entries = (object.$map as [string, unknown][]).map(([key, item]) => [key, untagged(item)] as [string, unknown]);
    const map = new Map(entries);
    if (!Array.isArray(object.$meta)) return map;
    const meta = new Map<string, KvMeta>();
    (object.$meta as unknown[]).forEach((item, i) => item && meta.set(entries[i]![0], untagged(item) as KvMeta));
    return withKvMeta(map as Map<string, string>, meta);
  }
  return plain(object);
}

function plain(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, untagged(item)]));
}
