import { decodeBytes } from '../../bytes.js';
import { GrpcStatusError, GRPC_INTERNAL } from './grpc.js';

/** Walks protobuf fields; `visit` reads a field it knows (returning true) or leaves it to be skipped. */
export class ProtoReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** A varint that fits a JavaScript number: a tag, a length, a bool or an enum. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.#byte();
      result += (byte & 127) * scale;
      if (byte < 128) return result;
      scale *= 128;
    }
  }

  /** An int64 varint as decimal text: revisions can pass 2^53. */
  int64(): string {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.#byte();
      result |= BigInt(byte & 127) << shift;
      if (byte < 128) return BigInt.asIntN(64, result).toString();
      shift += 7n;
    }
  }

  /** The bytes of a length-delimited field that ends at `end`; moves past them. */
  bytes(end: number): Buffer {
    const value = this.buf.subarray(this.pos, end);
    this.pos = end;
    return value;
  }

  /**
   * The text of a length-delimited field that ends at `end` (see src/bytes.ts); moves past it.
   * Decoded in place, without a Buffer per field: Node's UTF-8 decoder replaces what is not UTF-8
   * with U+FFFD, and only then (or for a real U+FFFD) does the lossless decoder run.
   */
  text(end: number): string {
    const text = this.buf.toString('utf8', this.pos, end);
    const value = text.includes('\ufffd') ? decodeBytes(this.buf.subarray(this.pos, end)) : text;
    this.pos = end;
    return value;
  }

  /** Reads a length-delimited field's length; returns where the field ends, which must be by `end`. */
  lengthEnd(end: number): number {
    const length = this.varint();
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) throw truncated();
    return fieldEnd;
  }

  /** Moves past the field whose `tag` was just read, which must end by `end`. */
  skip(tag: number, end: number): void {
    const type = tag & 7;
    if (type === 2) {
      const length = this.varint();
      this.pos += length;
    } else if (type === 0) this.varint();
    else if (type === 1) this.pos += 8;
    else if (type === 5) this.pos += 4;
    else throw new GrpcStatusError(GRPC_INTERNAL, `protobuf wire type ${type}`);
    if (this.pos > end) throw truncated();
  }

  /** For each field up to `end`: `visit(field, endOfField)`; length-delimited fields end after their bytes. */
  fields(end: number, visit: (field: number, fieldEnd: number) => boolean): void {
    while (this.pos < end) {
      const tag = this.varint();
      const type = tag & 7;
      if (type === 2) {
        const length = this.varint();
        const fieldEnd = this.pos + length;
        if (fieldEnd > end) throw truncated();
        if (!visit(tag >>> 3, fieldEnd)) this.pos = fieldEnd;
      } else if (type === 0) {
        if (!visit(tag >>> 3, this.pos)) this.varint();
      } else if (type === 1) this.pos += 8;
      else if (type === 5) this.pos += 4;
      else throw new GrpcStatusError(GRPC_INTERNAL, `protobuf wire type ${type}`);
    }
    if (this.pos > end) throw truncated();
  }

  #byte(): number {
    const byte = this.buf[this.pos++];
    if (byte === undefined) throw truncated();
    return byte;
  }
}

/** Builds a protobuf message field by field; a field at its default value is left out, as proto3 does. */
export class ProtoWriter {
  readonly #parts: Buffer[] = [];

  bytes(field: number, value: Uint8Array): this {
    return this.#lengthDelimited(field, value);
  }

  int64(field: number, value: bigint): this {
    if (value !== 0n) this.#parts.push(varint(BigInt(field << 3)), varint(BigInt.asUintN(64, value)));
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.int64(field, value ? 1n : 0n);
  }

  message(field: number, inner: ProtoWriter): this {
    return this.#lengthDelimited(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.#parts);
  }

  #lengthDelimited(field: number, value: Uint8Array): this {
    this.#parts.push(varint(BigInt((field << 3) | 2)), varint(BigInt(value.length)), Buffer.from(value));
    return this;
  }
}

function varint(value: bigint): Buffer {
  const out: number[] = [];
  while (value > 127n) {
    out.push(Number(value & 127n) | 128);
    value >>= 7n;
  }
  out.push(Number(value));
  return Buffer.from(out);
}

function truncated(): GrpcStatusError {
  return new GrpcStatusError(GRPC_INTERNAL, 'truncated protobuf');
}
