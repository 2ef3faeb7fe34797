import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsOptions } from '../../../src/types/tls.js';
import { decodeRangeResponse } from '../../../src/backends/etcd/grpc-range.js';
import { EtcdGateway } from '../../../src/backends/etcd/gateway.js';
import { encode } from '../../../src/backends/etcd/query.js';
import { findBinary } from '../../support/binaries.js';
import { makeTempDir } from '../../support/cli.js';
import { makeTestCertificates } from '../../support/tls.js';

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

  it('reads keys and values longer than 127 bytes (two-byte lengths) and keeps bytes that are not UTF-8', () => {
    const long = `/app/${'k'.repeat(200)}`;
    const body = Buffer.from([...bytesField(2, [...bytesField(1, Buffer.from(long)), ...bytesField(5, Buffer.from([0x61, 0xff, 0x62]))]), ...kv('/b', 'v'.repeat(300))]);
    assert.deepEqual(decodeRangeResponse(body).kvs, [[long, 'a\udcffb'], ['/b', 'v'.repeat(300)]]);
  });

  it('reads an empty answer as revision 0 with no keys', () => assert.deepEqual(decodeRangeResponse(Buffer.alloc(0)), { revision: '0', kvs: [] }));

  it('refuses a truncated message', () => assert.throws(() => decodeRangeResponse(Buffer.from([1 << 3 | 2, 5, 3 << 3])), /truncated protobuf/));
});

describe('EtcdGateway.range without gRPC', () => {
  const openssl = findBinary('openssl', 'openssl', 'etcd JSON gateway fallback over TLS');
  /** Makes an HTTP/1.1 server with `handler`: the server, the TLS options its clients need, and what removes its files. */
  type Listen = (handler: RequestListener) => Promise<{ server: Server; tls?: TlsOptions; cleanup?: () => Promise<void> }>;
  const cases: { name: string; skip?: string; listen: Listen }[] = [
    { name: 'a node that only speaks HTTP/1.1', listen: async (handler) => ({ server: createServer(handler) }) },
    {
      name: 'a node that only speaks HTTP/1.1 over TLS',
      ...(openssl.skip ? { skip: openssl.skip } : {}),
      listen: async (handler) => {
        const { dir, cleanup } = await makeTempDir();
        const certs = await makeTestCertificates(dir, openssl.path);
        const server = createHttpsServer({ cert: await readFile(certs.serverCert), key: await readFile(certs.serverKey) }, handler);
        return { server, tls: { caFile: certs.caFile, verify: true }, cleanup };
      },
    },
  ];
  for (const c of cases) {
    it(`falls back to the JSON gateway on ${c.name}`, { skip: c.skip }, async () => {
      const paths: string[] = [];
      const { server, tls, cleanup } = await c.listen((request, response) => {
        paths.push(request.url ?? '');
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ header: { revision: '7' }, kvs: [{ key: encode('/app/a'), value: encode('1') }] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const gateway = new EtcdGateway({ nodes: [`127.0.0.1:${(server.address() as AddressInfo).port}`], ...(tls ? { tls } : {}) });
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
        await cleanup?.();
      }
    });
  }
});
