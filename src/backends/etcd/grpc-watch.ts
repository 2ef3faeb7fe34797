import { decodeBytes } from '../../bytes.js';
import type { GrpcSessions } from './grpc.js';
import { ProtoReader, ProtoWriter } from './protobuf.js';
import type { KeyRange, WatchEvent, WatchResponse } from './query.js';

/** What a watch follows: a key range, from a revision on. */
export interface WatchCreate {
  readonly range: KeyRange;
  readonly startRevision: string;
}

/**
 * One `etcdserverpb.Watch/Watch` call, its own stream on the node's shared HTTP/2 session, so every
 * watch to a node shares one connection. etcd answers as soon as it read the create request; the
 * request side stays open, as a watch client's does. `onData` is called for every chunk received.
 */
export async function* grpcWatch(
  sessions: GrpcSessions,
  node: string,
  create: WatchCreate,
  token: string | undefined,
  signal: AbortSignal,
  onData: () => void,
): AsyncGenerator<WatchResponse> {
  const call = sessions.call(node, '/etcdserverpb.Watch/Watch', token, signal);
  call.send(encodeWatchCreate(create), false);
  for await (const message of call.messages(onData)) yield decodeWatchResponse(message);
}

/**
 * WatchRequest { create_request = 1 { key = 1, range_end = 2 (bytes), start_revision = 3 (int64),
 * progress_notify = 4 (bool) } }. progress_notify makes a server with a short
 * --experimental-watch-progress-notify-interval prove the watch alive on its own; the gateway's
 * probes cover servers with the 10-minute default.
 */
export function encodeWatchCreate(create: WatchCreate): Buffer {
  const request = new ProtoWriter().bytes(1, Buffer.from(create.range.key, 'base64'));
  if (create.range.range_end !== undefined) request.bytes(2, Buffer.from(create.range.range_end, 'base64'));
  request.int64(3, BigInt(create.startRevision)).bool(4, true);
  return new ProtoWriter().message(1, request).finish();
}

/**
 * WatchResponse: canceled = 4 (bool), compact_revision = 5 (int64), cancel_reason = 6 (string),
 * events = 11 repeated Event { type = 1 (PUT 0, DELETE 1), kv = 2 { key = 1, mod_revision = 3,
 * value = 5 } }; the rest is skipped.
 */
export function decodeWatchResponse(body: Buffer): WatchResponse {
  const reader = new ProtoReader(body);
  let canceled = false;
  let cancelReason = '';
  let compactRevision = '0';
  const events: WatchEvent[] = [];
  reader.fields(body.length, (field, end) => {
    if (field === 4) canceled = reader.varint() !== 0;
    else if (field === 5) compactRevision = reader.int64();
    else if (field === 6) cancelReason = reader.bytes(end).toString('utf8');
    else if (field === 11) events.push(decodeEvent(reader, end));
    else return false;
    return true;
  });
  return { canceled, cancelReason, compactRevision, events };
}

function decodeEvent(reader: ProtoReader, end: number): WatchEvent {
  let type: WatchEvent['type'] = 'PUT';
  let key = '';
  let value = '';
  let modRevision = '0';
  reader.fields(end, (field, fieldEnd) => {
    if (field === 1) type = reader.varint() === 1 ? 'DELETE' : 'PUT';
    else if (field === 2) {
      reader.fields(fieldEnd, (inner, innerEnd) => {
        if (inner === 1) key = decodeBytes(reader.bytes(innerEnd));
        else if (inner === 3) modRevision = reader.int64();
        else if (inner === 5) value = decodeBytes(reader.bytes(innerEnd));
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return { type, key, value, modRevision };
}
