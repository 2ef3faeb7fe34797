import { connect, constants, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';
import { decodeBytes } from '../../bytes.js';
import { isAbortError } from '../../errors.js';
import type { KeyRange } from './query.js';

/** The keys of one range read, decoded, in etcd's order, and the store revision it was read at. */
export interface RangeResult {
  readonly revision: string;
  readonly kvs: [string, string][];
}

/** etcd answered with a gRPC status other than OK. */
export class GrpcStatusError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** The node answered, but not as a gRPC server (an HTTP/1.1 proxy in front of the JSON gateway, say). */
export class GrpcUnsupportedError extends Error {}

/**
 * Unary `etcdserverpb.KV/Range` over HTTP/2, protobuf encoded by hand (the four fields it needs).
 * The JSON gateway spends most of a big read marshalling JSON and base64 on the server (10 000
 * keys: ~5× slower here), and the answer then costs a JSON parse and a base64 decode per key.
 * One HTTP/2 session per node, kept until `close()`.
 */
export class GrpcRangeClient {
  readonly #tls: SecureClientSessionOptions;
  readonly #sessions = new Map<string, ClientHttp2Session>();

  constructor(tls: SecureClientSessionOptions) {
    this.#tls = tls;
  }

  range(node: string, range: KeyRange, revision: string | undefined, token: string | undefined, signal: AbortSignal): Promise<RangeResult> {
    const session = this.#session(node);
    const headers: Record<string, string> = { ':method': 'POST', ':path': '/etcdserverpb.KV/Range', 'content-type': 'application/grpc', te: 'trailers' };
    if (token) headers.token = token;
    return new Promise((resolve, reject) => {
      const stream = session.request(headers, { signal });
      const chunks: Buffer[] = [];
      let status: string | undefined;
      let message = '';
      stream.on('response', (answer) => {
        if (!String(answer['content-type'] ?? '').startsWith('application/grpc')) {
          stream.close(constants.NGHTTP2_CANCEL);
          reject(new GrpcUnsupportedError(`HTTP ${answer[':status']} ${String(answer['content-type'] ?? '')}`));
        }
        status = answer['grpc-status'] as string | undefined;
        message = String(answer['grpc-message'] ?? '');
      });
      stream.on('trailers', (trailers) => {
        status = trailers['grpc-status'] as string | undefined;
        message = decodeURIComponent(String(trailers['grpc-message'] ?? ''));
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => reject(isAbortError(error) ? error : unsupportedOr(error)));
      stream.on('end', () => {
        if (status !== '0') reject(new GrpcStatusError(Number(status ?? 2), message || `gRPC status ${status ?? 'missing'}`));
        else {
          try {
            resolve(decodeRangeResponse(unframe(Buffer.concat(chunks))));
          } catch (error) {
            reject(error);
          }
        }
      });
      stream.end(frame(encodeRangeRequest(range, revision)));
    });
  }

  close(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
  }

  #session(node: string): ClientHttp2Session {
    const known = this.#sessions.get(node);
    if (known && !known.closed && !known.destroyed) return known;
    const session = connect(node, this.#tls);
    const forget = () => {
      if (this.#sessions.get(node) === session) this.#sessions.delete(node);
    };
    // A broken session fails its streams; the next read opens a new one.
    session.on('error', forget);
    session.on('close', forget);
    session.on('goaway', forget);
    this.#sessions.set(node, session);
    return session;
  }
}

function unsupportedOr(error: Error): Error {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('ERR_HTTP2') ? new GrpcUnsupportedError(error.message) : error;
}

/** RangeRequest: key = 1, range_end = 2 (bytes), revision = 4 (int64). */
function encodeRangeRequest(range: KeyRange, revision: string | undefined): Buffer {
  const parts: number[] = [];
  const bytes = (field: number, base64: string) => {
    const value = Buffer.from(base64, 'base64');
    parts.push((field << 3) | 2, ...varint(BigInt(value.length)), ...value);
  };
  bytes(1, range.key);
  if (range.range_end !== undefined) bytes(2, range.range_end);
  if (revision !== undefined && revision !== '0') parts.push(4 << 3, ...varint(BigInt(revision)));
  return Buffer.from(parts);
}

function varint(value: bigint): number[] {
  const out: number[] = [];
  while (value > 127n) {
    out.push(Number(value & 127n) | 128);
    value >>= 7n;
  }
  out.push(Number(value));
  return out;
}

/** A gRPC length-prefixed message: flag 0 (not compressed), 4-byte big-endian length. */
function frame(message: Buffer): Buffer {
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  message.copy(framed, 5);
  return framed;
}

function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new GrpcStatusError(13, 'empty gRPC answer');
  if (body[0] !== 0) throw new GrpcStatusError(13, 'compressed gRPC answer');
  return body.subarray(5, 5 + body.readUInt32BE(1));
}

/** RangeResponse: header = 1 { revision = 3 }, kvs = 2 repeated { key = 1, value = 5 }; the rest is skipped. */
export function decodeRangeResponse(body: Buffer): RangeResult {
  const reader = new ProtoReader(body);
  let revision = '0';
  const kvs: [string, string][] = [];
  reader.fields(body.length, (field, end) => {
    if (field === 1) reader.fields(end, (inner) => (inner === 3 ? (revision = String(reader.varint()), true) : false));
    else if (field === 2) {
      let key = '';
      let value = '';
      reader.fields(end, (inner, innerEnd) => {
        if (inner === 1) key = decodeBytes(body.subarray(reader.pos, innerEnd));
        else if (inner === 5) value = decodeBytes(body.subarray(reader.pos, innerEnd));
        else return false;
        reader.pos = innerEnd;
        return true;
      });
      kvs.push([key, value]);
    } else return false;
    reader.pos = end;
    return true;
  });
  return { revision, kvs };
}

/** Walks protobuf fields; `visit` reads a field it knows (returning true) or leaves it to be skipped. */
class ProtoReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new GrpcStatusError(13, 'truncated protobuf');
      result += (byte & 127) * scale;
      if (byte < 128) return result;
      scale *= 128;
    }
  }

  /** For each field up to `end`: `visit(field, endOfField)`; length-delimited fields end after their bytes. */
  fields(end: number, visit: (field: number, fieldEnd: number) => boolean): void {
    while (this.pos < end) {
      const tag = this.varint();
      const type = tag & 7;
      if (type === 2) {
        const length = this.varint();
        const fieldEnd = this.pos + length;
        if (!visit(tag >>> 3, fieldEnd)) this.pos = fieldEnd;
      } else if (type === 0) {
        if (!visit(tag >>> 3, this.pos)) this.varint();
      } else if (type === 1) this.pos += 8;
      else if (type === 5) this.pos += 4;
      else throw new GrpcStatusError(13, `protobuf wire type ${type}`);
    }
  }
}
