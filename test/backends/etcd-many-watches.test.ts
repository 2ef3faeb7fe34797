import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Dependency } from '../../src/types/dependency.js';
import { createEtcdBackend } from '../../src/backends/etcd.js';
import type { WatchEvent } from '../../src/runner/watcher.js';
import { findBinary } from '../support/binaries.js';
import { startEtcd, type EtcdServer } from '../support/etcd-server.js';
import { waitForEvent, withWatches } from '../support/watch.js';
import { Random } from '../differential/random.js';
import { recordFigure } from '../support/figures.js';

const etcd = findBinary('etcd', 'etcd-server', 'etcd watches on one connection');

const openDescriptors = () => readdirSync('/proc/self/fd').length;
/** Descriptors the watches may add however many they are: the node's connection and a few of Node's own. */
const DESCRIPTOR_ALLOWANCE = 5;
/** etcd's default --max-txn-ops is 128. */
const PUTS_PER_TXN = 100;

interface ManyWatchesCase {
  readonly name: string;
  readonly count: number;
  readonly seed: number;
  readonly dep: (i: number) => Dependency;
  /** The key dependency i watches its own value under. */
  readonly key: (i: number) => string;
  /** The value dependency i's data holds for its key, null before there is one. */
  readonly valueIn: (data: unknown, i: number) => string | null;
}

const cases: readonly ManyWatchesCase[] = [
  {
    name: 'kv.get dependencies, each watching its own key',
    count: 200,
    seed: 14,
    dep: (i) => ({ type: 'kv.get', key: `/many/get/k${i}` }),
    key: (i) => `/many/get/k${i}`,
    valueIn: (data) => data as string | null,
  },
  {
    name: 'kv.list dependencies, each watching its own prefix',
    count: 100,
    seed: 11,
    dep: (i) => ({ type: 'kv.list', prefix: `/many/list/p${i}` }),
    key: (i) => `/many/list/p${i}/key`,
    valueIn: (data, i) => (data as ReadonlyMap<string, string>).get(`/many/list/p${i}/key`) ?? null,
  },
];

describe('etcd watches of many dependencies', { skip: etcd.skip }, () => {
  let server: EtcdServer;
  before(async () => (server = await startEtcd()));
  after(() => server?.close());

  /** Puts every [key, value] pair, a few transactions in all rather than one request per key. */
  async function putAll(pairs: readonly (readonly [string, string])[]): Promise<void> {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    for (let start = 0; start < pairs.length; start += PUTS_PER_TXN) {
      const success = pairs.slice(start, start + PUTS_PER_TXN).map(([key, value]) => ({ request_put: { key: b64(key), value: b64(value) } }));
      await server.call('/v3/kv/txn', { success });
    }
  }

  for (const c of cases) {
    it(`${c.count} ${c.name}: every change reaches its own watch, on descriptors that do not grow per watch`, async () => {
      const seen: string[][] = Array.from({ length: c.count }, () => []);
      const errors: string[] = [];
      /** Takes dependency i's events until its value is `expected`, keeping every value it delivered. */
      const untilValue = (events: AsyncIterator<WatchEvent>, i: number, expected: string | null) =>
        waitForEvent(events, (event) => {
          if (event.kind === 'error') errors.push(`${i}: ${event.error.message}`);
          if (event.kind !== 'data') return false;
          const value = c.valueIn(event.snapshot.data, i);
          if (value !== null) seen[i]!.push(value);
          return value === expected;
        });

      // The test's own etcd client holds its connection from here on.
      await server.put('/many/warmup', 'x');
      const before = openDescriptors();
      const backend = createEtcdBackend({ nodes: [server.url] });
      try {
        const deps = Array.from({ length: c.count }, (_, i) => c.dep(i));
        await withWatches(backend, deps, async (events) => {
          await Promise.all(events.map((each, i) => untilValue(each, i, null)));
          // A change seen by every dependency shows every watch is open.
          await putAll(deps.map((_, i) => [c.key(i), `${i}:open`]));
          await Promise.all(events.map((each, i) => untilValue(each, i, `${i}:open`)));
          const held = openDescriptors() - before;
          recordFigure('etcd-many-watches', `etcd: descriptors held by ${c.count} ${c.name}`, held);
          assert.ok(held <= DESCRIPTOR_ALLOWANCE, `${c.count} watches hold ${held} more descriptors`);

          const random = new Random(c.seed);
          const changes = deps.map((_, i) => i);
          for (let i = 0; i < c.count; i += 1) if (random.chance(0.25)) changes.push(i);
          shuffle(changes, random);
          const finalValue: string[] = [];
          for (const i of changes) {
            const value = finalValue[i] === undefined ? `${i}:first` : `${i}:second`;
            finalValue[i] = value;
            await server.put(c.key(i), value);
          }
          await Promise.all(events.map((each, i) => untilValue(each, i, finalValue[i]!)));
        });
      } finally {
        await backend.close();
      }
      assert.deepEqual(errors, []);
      const crossed = seen.flatMap((values, i) => values.filter((value) => !value.startsWith(`${i}:`)).map((value) => `${i} saw ${value}`));
      assert.deepEqual(crossed, []);
    });
  }
});

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
