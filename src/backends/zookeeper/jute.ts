/**
 * The few jute (ZooKeeper's wire serialisation) shapes the client needs: big-endian ints and
 * longs, length-prefixed buffers and UTF-8 strings (length -1 means null), vectors and Stat.
 */

/** Builds a request body; `frame()` prefixes it with its length, as every packet is sent. */
export class JuteWriter {
  readonly #parts: Buffer[] = [];

  int(value: number): this {
    const part = Buffer.alloc(4);
    part.writeInt32BE(value);
    this.#parts.push(part);
    return this;
  }

  long(value: bigint): this {
    const part = Buffer.alloc(8);
    part.writeBigInt64BE(value);
    this.#parts.push(part);
    return this;
  }

  bool(value: boolean): this {
    this.#parts.push(Buffer.from([value ? 1 : 0]));
    return this;
  }

  buffer(value: Buffer | null): this {
    if (value === null) return this.int(-1);
    this.int(value.length);
    this.#parts.push(value);
    return this;
  }

  string(value: string): this {
    return this.buffer(Buffer.from(value, 'utf8'));
  }

  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }

  /** The body with its 4-byte length in front. */
  frame(): Buffer {
    const body = this.bytes();
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length);
    return Buffer.concat([length, body]);
  }
}

/** Reads a reply body in order; reading past the end throws a RangeError. */
export class JuteReader {
  #offset = 0;

  constructor(readonly data: Buffer) {}

  get remaining(): number {
    return this.data.length - this.#offset;
  }

  int(): number {
    const value = this.data.readInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  long(): bigint {
    const value = this.data.readBigInt64BE(this.#offset);
    this.#offset += 8;
    return value;
  }

  bool(): boolean {
    const value = this.data.readUInt8(this.#offset);
    this.#offset += 1;
    return value !== 0;
  }

  buffer(): Buffer | null {
    const length = this.int();
    if (length < 0) return null;
    if (length > this.remaining) throw new RangeError(`jute: buffer of ${length} bytes past the end of the packet`);
    const value = this.data.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  string(): string | null {
    const value = this.buffer();
    return value === null ? null : value.toString('utf8');
  }

  strings(): string[] {
    const count = this.int();
    const values: string[] = [];
    for (let i = 0; i < count; i++) values.push(this.string() ?? '');
    return values;
  }
}

/** The parts of a znode's Stat the backend uses. */
export interface Stat {
  readonly version: number;
  readonly cversion: number;
  readonly numChildren: number;
  readonly mzxid: bigint;
}

/** Reads a Stat (czxid mzxid ctime mtime version cversion aversion ephemeralOwner dataLength numChildren pzxid). */
export function readStat(reader: JuteReader): Stat {
  reader.long();
  const mzxid = reader.long();
  reader.long();
  reader.long();
  const version = reader.int();
  const cversion = reader.int();
  reader.int();
  reader.long();
  reader.int();
  const numChildren = reader.int();
  reader.long();
  return { version, cversion, numChildren, mzxid };
}
