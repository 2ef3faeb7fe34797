import type { FleetStore, Seat } from '../../backends/fleet.js';
import { fleetRetryDelay } from '../../backends/fleet.js';
import { messageOf } from '../../errors.js';
import type { Logger } from '../../log.js';
import { sleep } from '../../sleep.js';
import type { RenderResult } from '../../template/render.js';
import type { Dependency } from '../../types/dependency.js';
import { isoTime, type FleetRole, type FleetStatus } from '../status.js';
import { compressPayload, decodePayload, directPayload, payloadText } from './payload.js';

/** What fleet mode asks of the daemon that renders the templates. */
export interface FleetHost<Item> {
  /** Renders `item` again (its data or its role changed). */
  markDirty(item: Item): void;
  /** Drops the kept data of these dependencies where nothing watches them any more (it went stale when their watch stopped). */
  forgetUnwatched(keys: Iterable<string>): void;
}

/** The daemon's side of fleet mode: where a template's data comes from and what it watches itself. */
export interface DaemonFleet<Item> {
  attach(host: FleetHost<Item>): void;
  setResources(items: readonly Item[]): void;
  /** The data `item` renders from. */
  dataFor(item: Item, kept: ReadonlyMap<string, unknown>): ReadonlyMap<string, unknown>;
  /** The dependencies the daemon watches itself for `item`, of those its last render used. */
  watchesFor(item: Item, used: ReadonlyMap<string, Dependency>): ReadonlyMap<string, Dependency>;
  /** After each render: a leader publishes the data it rendered from. */
  rendered(item: Item, result: Pick<RenderResult, 'used' | 'missing' | 'output'>, data: ReadonlyMap<string, unknown>): void;
  /** `item`'s role in the fleet, for /status. */
  statusOf(item: Item): FleetStatus | undefined;
}

/**
 * Data every instance reads for itself: Vault secrets (never published: anyone with KV read on
 * the prefix could read them) and local files.
 */
export function isInstanceOwn(dep: Dependency): boolean {
  return dep.type === 'file' || dep.type.startsWith('vault.');
}

interface TemplateSeat<Item> {
  readonly hash: string;
  readonly items: Set<Item>;
  readonly controller: AbortController;
  /** Set right after joining (the seat's events need this state first). */
  seat: Seat;
  isLeader: boolean;
  /** What followers render from: the last payload read (or, just after leading, the last one published). */
  published: ReadonlyMap<string, unknown> | 'direct' | undefined;
  /** As leader: the data of the last render, its text, and the text the store holds. */
  rendered?: { readonly data: ReadonlyMap<string, unknown>; readonly text: string };
  stored?: string;
  publishing?: Promise<void>;
  wasTooLarge: boolean;
  /** For /status: the role, since when, and the last data written and read. */
  role: FleetRole;
  roleSince: number;
  lastPublished?: { readonly at: number; readonly bytes: number; readonly direct: boolean };
  lastReceived?: { readonly at: number; readonly version: string };
}

/**
 * Fleet mode (-dedup), the runner's side: one seat per distinct template (by `hashOf`), the
 * template's role in it, and the data it renders from. A leader renders from its own watches and
 * publishes the data of the shared dependencies after each render that changed them; a follower
 * renders from the published data (its own env, files, destination and commands), watching only
 * its Vault and file dependencies, plus any dependency the payload lacks (a template reading keys
 * named after the host's own env). Until a payload arrives a follower renders nothing; after that
 * it keeps the last good one until a newer one, so no file is ever blanked or turned back.
 */
export class FleetMode<Item> implements DaemonFleet<Item> {
  readonly #store: FleetStore;
  readonly #logger: Logger;
  readonly #hashOf: (item: Item) => string;
  readonly #nameOf: (item: Item) => string;
  readonly #seats = new Map<string, TemplateSeat<Item>>();
  readonly #seatOf = new Map<Item, TemplateSeat<Item>>();
  #host: FleetHost<Item> | undefined;

  constructor(options: { store: FleetStore; logger: Logger; hashOf: (item: Item) => string; nameOf: (item: Item) => string }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#hashOf = options.hashOf;
    this.#nameOf = options.nameOf;
  }

  attach(host: FleetHost<Item>): void {
    this.#host = host;
  }

  /** Joins the election of each new template; leaves those no item uses any more. */
  setResources(items: readonly Item[]): void {
    this.#seatOf.clear();
    const kept = new Set<TemplateSeat<Item>>();
    for (const item of items) {
      const hash = this.#hashOf(item);
      const seat = this.#seats.get(hash) ?? this.#join(hash, item);
      seat.items.add(item);
      kept.add(seat);
      this.#seatOf.set(item, seat);
    }
    for (const [hash, seat] of this.#seats) {
      for (const item of seat.items) if (this.#seatOf.get(item) !== seat) seat.items.delete(item);
      if (kept.has(seat)) continue;
      seat.controller.abort();
      this.#seats.delete(hash);
    }
  }

  dataFor(item: Item, kept: ReadonlyMap<string, unknown>): ReadonlyMap<string, unknown> {
    const seat = this.#seatOf.get(item);
    if (!seat || seat.isLeader || seat.published === undefined || seat.published === 'direct') return kept;
    return new Map([...kept, ...seat.published]);
  }

  watchesFor(item: Item, used: ReadonlyMap<string, Dependency>): ReadonlyMap<string, Dependency> {
    const seat = this.#seatOf.get(item);
    if (!seat || seat.isLeader || seat.published === 'direct') return used;
    const published = seat.published;
    return new Map([...used].filter(([key, dep]) => isInstanceOwn(dep) || (published !== undefined && !published.has(key))));
  }

  rendered(item: Item, result: Pick<RenderResult, 'used' | 'missing' | 'output'>, data: ReadonlyMap<string, unknown>): void {
    const seat = this.#seatOf.get(item);
    if (!seat?.isLeader) return;
    const shared = [...result.used].filter(([, dep]) => !isInstanceOwn(dep));
    if (shared.some(([key]) => result.missing.has(key))) return;
    const published = new Map(shared.map(([key]) => [key, data.get(key)]));
    const text = payloadText(published);
    if (seat.rendered?.text === text) return;
    seat.rendered = { data: published, text };
    this.#publish(seat);
  }

  statusOf(item: Item): FleetStatus | undefined {
    const seat = this.#seatOf.get(item);
    if (!seat) return undefined;
    const { lastPublished, lastReceived } = seat;
    return {
      role: seat.role,
      key: seat.seat.dataKey,
      since: isoTime(seat.roleSince),
      ...(lastPublished ? { lastPublished: { ...lastPublished, at: isoTime(lastPublished.at) } } : {}),
      ...(lastReceived ? { lastReceived: { ...lastReceived, at: isoTime(lastReceived.at) } } : {}),
    };
  }

  /** Leaves every election; the store then frees every lock at once. */
  async close(): Promise<void> {
    for (const seat of this.#seats.values()) seat.controller.abort();
    this.#seats.clear();
    await this.#store.close();
  }

  #join(hash: string, first: Item): TemplateSeat<Item> {
    const controller = new AbortController();
    const name = `${this.#nameOf(first)} (${hash.slice(0, 12)})`;
    const seat = { hash, items: new Set<Item>(), controller, isLeader: false, published: undefined, wasTooLarge: false, role: 'candidate', roleSince: Date.now() } as Partial<TemplateSeat<Item>> as TemplateSeat<Item>;
    const seatEvents = {
      onRole: (isLeader: boolean) => {
        seat.isLeader = isLeader;
        if (isLeader) {
          this.#logger.info('dedup', `${name}: leading: watching its dependencies and publishing their data`);
          seat.stored = undefined;
          // Data of dependencies this instance stopped watching when it followed is old now.
          if (seat.published instanceof Map) this.#host?.forgetUnwatched(seat.published.keys());
        } else {
          this.#logger.info('dedup', `${name}: following the published data`);
          // Never behind what this instance last rendered.
          if (seat.rendered) seat.published = seat.rendered.data;
          seat.rendered = undefined;
        }
        this.#noteRole(seat);
        this.#renderAll(seat);
      },
      onPayload: (payload: Uint8Array, version: string) => {
        if (seat.isLeader) return;
        try {
          const decoded = decodePayload(payload);
          if (decoded.kind === 'direct') {
            if (seat.published !== 'direct') this.#logger.warn('dedup', `${name}: ${decoded.reason}: watching its dependencies directly`);
            seat.published = 'direct';
          } else {
            if (!(seat.published instanceof Map)) this.#logger.info('dedup', `${name}: following the published data`);
            seat.published = decoded.data;
          }
          seat.lastReceived = { at: Date.now(), version };
          this.#noteRole(seat);
          this.#renderAll(seat);
        } catch (error) {
          this.#logger.warn('dedup', `${name}: the published data is unreadable (${messageOf(error)}): ignored, keeping the last good data`);
        }
      },
    };
    seat.seat = this.#store.join(hash, seatEvents, controller.signal);
    this.#seats.set(hash, seat);
    return seat;
  }

  #noteRole(seat: TemplateSeat<Item>): void {
    const role: FleetRole = seat.isLeader ? 'leader' : seat.published === 'direct' ? 'direct' : seat.published ? 'follower' : 'candidate';
    if (role === seat.role) return;
    seat.role = role;
    seat.roleSince = Date.now();
  }

  #renderAll(seat: TemplateSeat<Item>): void {
    for (const item of seat.items) this.#host?.markDirty(item);
  }

  /** Writes the latest rendered data, one write at a time; retries store failures while leading. */
  #publish(seat: TemplateSeat<Item>): void {
    if (seat.publishing) return;
    seat.publishing = (async () => {
      let attempt = 0;
      while (seat.isLeader && seat.rendered && seat.rendered.text !== seat.stored && !seat.controller.signal.aborted) {
        const { text } = seat.rendered;
        try {
          const payload = this.#payloadOf(seat, text);
          if (!(await seat.seat.publish(payload))) return;
          seat.stored = text;
          seat.lastPublished = { at: Date.now(), bytes: payload.length, direct: seat.wasTooLarge };
          attempt = 0;
        } catch (error) {
          attempt += 1;
          if (attempt === 1) this.#logger.error('dedup', `${seat.hash.slice(0, 12)}: publishing: ${messageOf(error)} (retrying)`);
          await sleep(fleetRetryDelay(attempt), seat.controller.signal);
        }
      }
    })().finally(() => (seat.publishing = undefined));
  }

  /** The compressed data, or, when it is over the store's limit, the note that sends every instance to watch directly. */
  #payloadOf(seat: TemplateSeat<Item>, text: string): Buffer {
    const compressed = compressPayload(text);
    const limit = this.#store.maxPayloadBytes;
    const isTooLarge = compressed.length > limit;
    if (isTooLarge !== seat.wasTooLarge) {
      const size = `${Math.ceil(compressed.length / 1024)} KiB compressed`;
      if (isTooLarge) this.#logger.warn('dedup', `${seat.hash.slice(0, 12)}: the data is ${size}, more than ${this.#store.description} takes in one value (${limit / 1024} KiB): every instance watches its dependencies directly`);
      else this.#logger.info('dedup', `${seat.hash.slice(0, 12)}: the data fits again (${size}): publishing it`);
      seat.wasTooLarge = isTooLarge;
    }
    return isTooLarge ? directPayload(`the data is more than ${this.#store.description} takes in one value (${limit / 1024} KiB)`) : compressed;
  }
}
