import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttp2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { encodeText } from '../../../src/bytes.js';
import { createEtcdBackend } from '../../../src/backends/etcd.js';
import { CtmplError } from '../../../src/errors.js';
import { frame, GrpcDeframer, GrpcSessions, GrpcStatusError } from '../../../src/backends/etcd/grpc.js';
import { decodeWatchResponse, encodeWatchCreate, grpcWatch } from '../../../src/backends/etcd/grpc-watch.js';
import { encode, prefixEnd, type WatchResponse } from '../../../src/backends/etcd/query.js';

/** Protobuf helpers for hand-made messages: a varint, a varint field, a length-delimited field. */
const varint = (n: bigint): number[] => (n > 127n ? [Number(n & 127n) | 128, ...varint(n >> 7n)] : [Number(n)]);
const varintField = (field: number, n: bigint | number) => [field << 3, ...varint(BigInt.asUintN(64, BigInt(n)))];
const bytesField = (field: number, bytes: Buffer | number[]) => [(field << 3) | 2, ...varint(BigInt(bytes.length)), ...bytes];
const kv = (key: Buffer | string, value: Buffer | string, modRevision: number | bigint) => [
  ...bytesField(1, Buffer.from(key)),
  ...varintField(2, 3),
  ...varintField(3, modRevision),
  ...varintField(4, 2),
  ...bytesField(5, Buffer.from(value)),
];
const put = (key: Buffer | string, value: Buffer | string, modRevision: number | bigint) => bytesField(11, bytesField(2, kv(key, value, modRevision)));
const del = (key: string, modRevision: number) => bytesField(11, [...varintField(1, 1), ...bytesField(2, [...bytesField(1, Buffer.from(key)), ...varintField(3, modRevision)])]);
/** ResponseHeader { cluster_id, member_id, revision, raft_term }, and watch_id -1 (a 10-byte varint). */
const header = (revision: number) => [...bytesField(1, [...varintField(1, 2 ** 40), ...varintField(2, 7), ...varintField(3, revision), ...varintField(4, 2)]), ...varintField(2, -1)];
const response = (...fields: number[][]) => Buffer.from(fields.flat());
const quiet = { canceled: false, cancelReason: '', compactRevision: '0' };
const notUtf8 = Buffer.from([0x66, 0xff, 0xfe, 0x00, 0xc3]);

describe('GrpcDeframer cuts a response body into messages', () => {
  const a = Buffer.from('first message');
  const b = Buffer.from('second');
  const empty = Buffer.alloc(0);
  const both = Buffer.concat([frame(a), frame(b)]);
  const cases: { name: string; chunks: Buffer[]; messages: Buffer[]; isEmpty: boolean }[] = [
    { name: 'one message in one chunk', chunks: [frame(a)], messages: [a], isEmpty: true },
    { name: 'two messages in one chunk', chunks: [both], messages: [a, b], isEmpty: true },
    { name: 'a message split inside its length prefix', chunks: [both.subarray(0, 3), both.subarray(3)], messages: [a, b], isEmpty: true },
    { name: 'a message split inside its body', chunks: [both.subarray(0, 9), both.subarray(9)], messages: [a, b], isEmpty: true },
    { name: 'every byte its own chunk', chunks: [...both].map((byte) => Buffer.of(byte)), messages: [a, b], isEmpty: true },
    { name: 'a message and the start of the next', chunks: [both.subarray(0, frame(a).length + 2)], messages: [a], isEmpty: false },
    { name: 'an empty message', chunks: [Buffer.concat([frame(empty), frame(b)])], messages: [empty, b], isEmpty: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const deframer = new GrpcDeframer();
      const messages = c.chunks.flatMap((chunk) => deframer.push(chunk));
      assert.deepEqual(messages, c.messages);
      assert.equal(deframer.isEmpty, c.isEmpty);
    });
  }

  it('refuses a compressed message', () => {
    const compressed = frame(a);
    compressed[0] = 1;
    assert.throws(() => new GrpcDeframer().push(compressed), (error) => error instanceof GrpcStatusError && /compressed/.test(error.message));
  });
});

describe('decodeWatchResponse reads etcd WatchResponse messages', () => {
  const cases: { name: string; message: Buffer; expected: WatchResponse }[] = [
    {
      name: 'the created answer, which has no events',
      message: response(header(5), varintField(3, 1)),
      expected: { ...quiet, events: [] },
    },
    {
      name: 'PUT events in order, skipping the header, the revisions it does not use and prev_kv',
      message: response(header(9), put('/app/a', 'x', 8), bytesField(11, [...bytesField(2, kv('/app/ü', 'ñ\nmore', 9)), ...bytesField(3, kv('/app/ü', 'old', 4))])),
      expected: {
        ...quiet,
        events: [
          { type: 'PUT', key: '/app/a', value: 'x', modRevision: '8' },
          { type: 'PUT', key: '/app/ü', value: 'ñ\nmore', modRevision: '9' },
        ],
      },
    },
    {
      name: 'DELETE events, which carry no value',
      message: response(header(12), del('/app/a', 11), del('/app/b', 12)),
      expected: {
        ...quiet,
        events: [
          { type: 'DELETE', key: '/app/a', value: '', modRevision: '11' },
          { type: 'DELETE', key: '/app/b', value: '', modRevision: '12' },
        ],
      },
    },
    {
      name: 'a revision past 2^53',
      message: response(put('/big', 'v', 2n ** 60n + 1n)),
      expected: { ...quiet, events: [{ type: 'PUT', key: '/big', value: 'v', modRevision: (2n ** 60n + 1n).toString() }] },
    },
    {
      name: 'a compaction: canceled, with the compact revision',
      message: response(header(30), varintField(4, 1), varintField(5, 25)),
      expected: { ...quiet, canceled: true, compactRevision: '25', events: [] },
    },
    {
      name: 'a cancellation with its reason',
      message: response(header(30), varintField(3, 1), varintField(4, 1), bytesField(6, Buffer.from('rpc error: code = Unauthenticated desc = etcdserver: invalid auth token'))),
      expected: { ...quiet, canceled: true, cancelReason: 'rpc error: code = Unauthenticated desc = etcdserver: invalid auth token', events: [] },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(decodeWatchResponse(c.message), c.expected));

  it('keeps a key and a value that are not UTF-8 byte for byte', () => {
    const [event] = decodeWatchResponse(response(put(notUtf8, Buffer.concat([notUtf8, notUtf8]), 3))).events;
    assert.deepEqual(encodeText(event!.key), notUtf8);
    assert.deepEqual(encodeText(event!.value), Buffer.concat([notUtf8, notUtf8]));
  });

  it('refuses a truncated message', () => assert.throws(() => decodeWatchResponse(response(put('/a', 'value', 2)).subarray(0, 9)), /truncated protobuf/));
});

describe('encodeWatchCreate writes a WatchRequest', () => {
  const cases: { name: string; range: { key: string; range_end?: string }; startRevision: string; inner: number[] }[] = [
    {
      name: 'one key',
      range: { key: encode('/app/port') },
      startRevision: '42',
      inner: [...bytesField(1, Buffer.from('/app/port')), ...varintField(3, 42), ...varintField(4, 1)],
    },
    {
      name: 'a prefix, with a range end, from a revision past 2^53',
      range: { key: encode('/app'), range_end: prefixEnd('/app/') },
      startRevision: (2n ** 60n).toString(),
      inner: [...bytesField(1, Buffer.from('/app')), ...bytesField(2, Buffer.from('/app0')), ...varintField(3, 2n ** 60n), ...varintField(4, 1)],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(encodeWatchCreate({ range: c.range, startRevision: c.startRevision }), Buffer.from(bytesField(1, c.inner))));
  }
});

describe('GrpcSessions', () => {
  /**
   * Runs `body` against an HTTP/2 server whose every call gets one created WatchResponse and then
   * silence, with `settings`; `sessions` lists the connections it accepted.
   */
  async function withSilentWatchServer(
    settings: { maxConcurrentStreams?: number },
    body: (open: () => AsyncIterator<WatchResponse>, grpc: GrpcSessions, node: string, sessions: ServerHttp2Session[]) => Promise<void>,
  ): Promise<void> {
    const sessions: ServerHttp2Session[] = [];
    const server = createHttp2Server({ settings });
    server.on('session', (session) => {
      sessions.push(session);
      // A client that resets its connection ends it with an error code, which is no failure here.
      session.on('error', () => {});
    });
    server.on('stream', (stream) => {
      stream.on('error', () => {});
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      stream.write(frame(response(header(1), varintField(3, 1))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const node = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const grpc = new GrpcSessions({});
    const controller = new AbortController();
    const open = () => grpcWatch(grpc, node, { range: { key: encode('/k') }, startRevision: '1' }, undefined, controller.signal, () => {})[Symbol.asyncIterator]();
    try {
      await body(open, grpc, node, sessions);
    } finally {
      controller.abort();
      grpc.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("opens another connection once a node's stream limit is reached, and no more", () =>
    withSilentWatchServer({ maxConcurrentStreams: 2 }, async (open, _grpc, _node, sessions) => {
      // The first answer brings the node's SETTINGS, its limit among them.
      assert.equal((await open().next()).done, false);
      const more = Array.from({ length: 4 }, open);
      for (const watch of more) assert.equal((await watch.next()).done, false);
      assert.equal(sessions.length, 3, '5 watches at 2 streams a connection');
    }));

  it('fails every call on a node it resets with the reason, and connects again for the next', () =>
    withSilentWatchServer({}, async (open, grpc, node, sessions) => {
      const watches = Array.from({ length: 3 }, open);
      for (const watch of watches) assert.equal((await watch.next()).done, false);
      const pending = watches.map((watch) => watch.next().then(() => 'answered', (error: unknown) => String(error)));
      grpc.reset(node, new Error('no answer for 100 ms'));
      assert.deepEqual(await Promise.all(pending), Array(3).fill('Error: no answer for 100 ms'));
      assert.equal((await open().next()).done, false);
      assert.equal(sessions.length, 2);
    }));
});

describe('etcd watches on a node without gRPC', () => {
  /** An HTTP/1.1 JSON gateway: a range answers `/app/a` = 1 at revision 7, a watch sends `lines`. */
  async function withJsonGateway(lines: unknown[], body: (node: string, watchRequests: unknown[]) => Promise<void>): Promise<void> {
    const watchRequests: unknown[] = [];
    const server = createHttpServer(async (request, answer) => {
      const requestBody = JSON.parse(await text(request)) as unknown;
      answer.setHeader('content-type', 'application/json');
      if (request.url === '/v3/kv/range') {
        answer.end(JSON.stringify({ header: { revision: '7' }, kvs: [{ key: encode('/app/a'), value: encode('1') }] }));
      } else {
        watchRequests.push(requestBody);
        for (const line of lines) answer.write(`${JSON.stringify(line)}\n`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await body(`127.0.0.1:${(server.address() as AddressInfo).port}`, watchRequests);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const created = { result: { header: { revision: '7' }, created: true } };
  const cases: { name: string; lines: unknown[]; outcome: unknown }[] = [
    {
      name: 'applies the events of the JSON stream',
      lines: [created, { result: { events: [{ kv: { key: encode('/app/b'), value: encode('2'), mod_revision: '8' } }, { type: 'DELETE', kv: { key: encode('/app/a'), mod_revision: '8' } }] } }],
      outcome: { data: [['/app/b', '2']], cursor: '8' },
    },
    {
      name: 'fails a canceled watch with an error naming the node',
      lines: [created, { result: { canceled: true, cancel_reason: 'etcdserver: permission denied' } }],
      outcome: /^etcd http:\/\/127\.0\.0\.1:\d+: \/v3\/watch: canceled: etcdserver: permission denied$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      withJsonGateway(c.lines, async (node, watchRequests) => {
        const backend = createEtcdBackend({ nodes: [node] });
        const controller = new AbortController();
        try {
          const dep = { type: 'kv.list', prefix: '/app' } as const;
          const first = await backend.snapshot(dep, controller.signal);
          const changes = backend.changes(dep, first.cursor, controller.signal)[Symbol.asyncIterator]();
          const outcome = await changes.next().then(
            ({ value }) => ({ data: [...(value!.data as Map<string, string>)], cursor: value!.cursor }),
            (error: unknown) => error,
          );
          if (c.outcome instanceof RegExp) {
            assert.ok(outcome instanceof CtmplError, String(outcome));
            assert.match(outcome.message, c.outcome);
          } else assert.deepEqual(outcome, c.outcome);
          assert.deepEqual(watchRequests, [{ create_request: { key: encode('/app'), range_end: prefixEnd('/app/'), start_revision: '8', progress_notify: true } }]);
          await changes.return?.(undefined);
        } finally {
          controller.abort();
          await backend.close();
        }
      }),
    );
  }
});

async function text(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}
