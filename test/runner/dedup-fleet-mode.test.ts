import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FleetStore, SeatEvents } from '../../src/backends/fleet.js';
import { FleetMode } from '../../src/runner/dedup/fleet-mode.js';
import { compressPayload, decodePayload, directPayload, payloadText } from '../../src/runner/dedup/payload.js';
import { dependencyKey, type Dependency } from '../../src/types/dependency.js';
import type { Logger } from '../../src/log.js';
import { waitFor } from '../support/cli.js';

const kv: Dependency = { type: 'kv.get', key: '/app/x' };
const service: Dependency = { type: 'health.service', name: 'web', filters: ['passing'] };
const secret: Dependency = { type: 'vault.read', path: 'secret/db' };
const file: Dependency = { type: 'file', path: '/etc/host-id' };
const uses = (...deps: Dependency[]) => new Map(deps.map((dep) => [dependencyKey(dep), dep]));

/** A store whose one seat the test drives: roles and payloads in, published payloads out. */
function fakeFleet(maxPayloadBytes = 1024 * 1024) {
  const published: Uint8Array[] = [];
  let events: SeatEvents | undefined;
  const store: FleetStore = {
    description: 'fake',
    maxPayloadBytes,
    join: (_name, seatEvents) => {
      events = seatEvents;
      return {
        dataKey: 'ctmpl/dedup/h/data',
        publish: async (payload) => {
          published.push(payload);
          return true;
        },
      };
    },
    close: async () => {},
  };
  const dirty: string[] = [];
  const forgotten: string[] = [];
  const lines: string[] = [];
  const log = (level: string) => (_component: string, message: string) => void lines.push(`${level} ${message}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const fleet = new FleetMode<string>({ store, logger, hashOf: () => 'h', nameOf: (item) => item });
  fleet.attach({ markDirty: (item) => dirty.push(item), forgetUnwatched: (keys) => forgotten.push(...keys) });
  fleet.setResources(['out']);
  return { fleet, published, dirty, forgotten, lines, events: () => events! };
}

const payload = (data: Map<string, unknown>) => compressPayload(payloadText(data));
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('fleet mode, the runner side', () => {
  it('a follower watches only its Vault and file dependencies, and what the payload lacks', () => {
    const { fleet, events } = fakeFleet();
    const all = uses(kv, service, secret, file);
    assert.deepEqual([...fleet.watchesFor('out', all).keys()], [dependencyKey(secret), dependencyKey(file)], 'before any payload: instance-own only');
    events().onPayload(payload(new Map([[dependencyKey(kv), 'v']])), '1');
    assert.deepEqual([...fleet.watchesFor('out', all).keys()], [dependencyKey(service), dependencyKey(secret), dependencyKey(file)]);
    const data = fleet.dataFor('out', new Map([[dependencyKey(kv), 'old'], [dependencyKey(secret), 's']]));
    assert.equal(data.get(dependencyKey(kv)), 'v', 'the published data wins over kept data');
    assert.equal(data.get(dependencyKey(secret)), 's');
  });

  it('a leader watches everything and publishes the shared data, without secrets or files, once per change', async () => {
    const { fleet, published, events, dirty } = fakeFleet();
    events().onRole(true);
    assert.deepEqual(dirty, ['out']);
    const all = uses(kv, secret, file);
    assert.equal(fleet.watchesFor('out', all), all);
    const data = new Map<string, unknown>([[dependencyKey(kv), 'v1'], [dependencyKey(secret), { Data: { password: 'p' } }], [dependencyKey(file), 'id']]);
    fleet.rendered('out', { output: 'x', used: all, missing: new Map() }, data);
    fleet.rendered('out', { output: 'x', used: all, missing: new Map() }, data);
    await flush();
    assert.equal(published.length, 1, 'unchanged data is not written again');
    assert.deepEqual(decodePayload(published[0]!), { kind: 'data', data: new Map([[dependencyKey(kv), 'v1']]) });
    fleet.rendered('out', { used: uses(kv, service), missing: uses(service) }, data);
    await flush();
    assert.equal(published.length, 1, 'nothing is published while shared data is missing');
  });

  it('a leader that steps down renders from what it last published, never from older data', async () => {
    const { fleet, events } = fakeFleet();
    events().onPayload(payload(new Map([[dependencyKey(kv), 'old']])), '2');
    events().onRole(true);
    fleet.rendered('out', { output: 'x', used: uses(kv), missing: new Map() }, new Map([[dependencyKey(kv), 'new']]));
    await flush();
    events().onRole(false);
    assert.equal(fleet.dataFor('out', new Map()).get(dependencyKey(kv)), 'new');
  });

  it('sends every instance to watch directly when the data is over the store\'s limit', async () => {
    const { fleet, published, events, lines } = fakeFleet(64);
    events().onRole(true);
    const big = 'x'.repeat(10_000).replace(/x/g, () => String.fromCharCode(33 + Math.floor(Math.random() * 90)));
    fleet.rendered('out', { output: 'x', used: uses(kv), missing: new Map() }, new Map([[dependencyKey(kv), big]]));
    await flush();
    assert.equal(decodePayload(published[0]!).kind, 'direct');
    assert.match(lines.join('\n'), /more than fake takes in one value \(0\.0625 KiB\): every instance watches its dependencies directly/);
  });

  it('ignores a payload it cannot read and keeps the last good data', () => {
    const { fleet, events, lines } = fakeFleet();
    events().onPayload(payload(new Map([[dependencyKey(kv), 'good']])), '3');
    events().onPayload(Buffer.from('garbage'), '4');
    assert.equal(fleet.dataFor('out', new Map()).get(dependencyKey(kv)), 'good');
    assert.match(lines.join('\n'), /the published data is unreadable \(not a ctmpl payload/);
  });

  it('tells /status its role, since when, and the last data it published and read', async () => {
    const { fleet, events } = fakeFleet(256);
    const role = () => fleet.statusOf('out')?.role;
    assert.deepEqual(fleet.statusOf('out'), { role: 'candidate', key: 'ctmpl/dedup/h/data', since: fleet.statusOf('out')!.since });
    assert.equal(fleet.statusOf('elsewhere'), undefined, 'not a template of this instance');
    events().onPayload(payload(new Map([[dependencyKey(kv), 'v']])), '41');
    assert.equal(role(), 'follower');
    assert.equal(fleet.statusOf('out')!.lastReceived!.version, '41');
    const followingSince = fleet.statusOf('out')!.since;
    await waitFor(() => Date.now() > Date.parse(followingSince), 'a later millisecond');
    events().onPayload(payload(new Map([[dependencyKey(kv), 'w']])), '42');
    assert.equal(fleet.statusOf('out')!.since, followingSince, 'newer data is no change of role');
    events().onPayload(directPayload('too big'), '43');
    assert.equal(role(), 'direct');
    events().onRole(true);
    assert.equal(role(), 'leader');
    fleet.rendered('out', { output: 'x', used: uses(kv), missing: new Map() }, new Map([[dependencyKey(kv), 'v']]));
    await waitFor(() => fleet.statusOf('out')!.lastPublished !== undefined, 'the publication');
    assert.equal(fleet.statusOf('out')!.lastPublished!.direct, false);
    fleet.rendered('out', { output: 'x', used: uses(kv), missing: new Map() }, new Map([[dependencyKey(kv), 'y'.repeat(5000).replace(/y/g, () => String.fromCharCode(33 + Math.floor(Math.random() * 90)))]]));
    await waitFor(() => fleet.statusOf('out')!.lastPublished!.direct, 'the note that it is too big');
    events().onRole(false);
    assert.equal(role(), 'follower', 'it follows what it last published');
  });

  it('forgets the data it kept of shared dependencies when it starts leading (it went stale while it followed)', () => {
    const { events, forgotten } = fakeFleet();
    events().onPayload(payload(new Map([[dependencyKey(kv), 'v']])), '5');
    events().onRole(true);
    assert.deepEqual(forgotten, [dependencyKey(kv)]);
  });
});
