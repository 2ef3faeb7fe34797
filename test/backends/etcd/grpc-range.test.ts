import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeRangeResponse } from '../../../src/backends/etcd/grpc-range.js';
import { EtcdGateway } from '../../../src/backends/etcd/gateway.js';
import { encode } from '../../../src/backends/etcd/query.js';

/** Protobuf helpers for hand-made answers: a varint, and a length-delimited field. */
const varint = (n: number): number[] => (n > 127 ? [(n & 127) | 128, ...varint(Math.floor(n / 128))] : [n]);
const bytesField = (field: number, bytes: Buffer | number[]) => [(field << 3) | 2, ...varint(bytes.length), ...bytes];
const kv = (key: string, value: string, extra: number[] = []) =>
  bytesField(2, [...bytesField(1, Buffer.from(key)), ...extra, ...bytesField(5, Buffer.from(value))]);

describe('decodeRangeResponse reads etcd RangeResponse messages', () => {
  it('reads the header revision and every key and value, skipping the fields it does not use', () => {
    const header = bytesField(1, [1 << 3, ...varint(2 ** 40), 3 << 3, ...varint(300)]);
    const revisions = [2 << 3, ...varint(12), 3 << 3, ...varint(299), 4 << 3, 1];
    const body = Buffer.from([...header, ...kv('/app/a', 'x'), ...kv('/app/ü', 'ñ\nmore', revisions), 4 << 3, 2]);
    assert.deepEqual(decodeRangeResponse(body), { revision: '300', kvs: [['/app/a', 'x'], ['/app/ü', 'ñ\nmore']] });
  });

  it('reads an empty answer as revision 0 with no keys', () => assert.deepEqual(decodeRangeResponse(Buffer.alloc(0)), { revision: '0', kvs: [] }));

  it('refuses a truncated message', () => assert.throws(() => decodeRangeResponse(Buffer.from([1 << 3 | 2, 5, 3 << 3])), /truncated protobuf/));
});

describe('EtcdGateway.range without gRPC', () => {
  it('falls back to the JSON gateway on a node that only speaks HTTP/1.1', async () => {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ header: { revision: '7' }, kvs: [{ key: encode('/app/a'), value: encode('1') }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const gateway = new EtcdGateway({ nodes: [`127.0.0.1:${(server.address() as AddressInfo).port}`] });
    try {
      const signal = new AbortController().signal;
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(await gateway.range({ key: encode('/app/'), range_end: encode('/app0') }, undefined, signal), { revision: '7', kvs: [['/app/a', '1']] });
      }
      assert.deepEqual(paths, ['/v3/kv/range', '/v3/kv/range']);
    } finally {
      await gateway.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
