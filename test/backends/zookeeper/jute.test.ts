import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JuteReader, JuteWriter, readStat } from '../../../src/backends/zookeeper/jute.js';

describe('jute', () => {
  it('frames a body with its big-endian length in front', () => {
    const framed = new JuteWriter().int(7).bool(true).frame();
    assert.deepEqual([...framed], [0, 0, 0, 5, 0, 0, 0, 7, 1]);
  });

  const roundTrips = [
    { name: 'a negative int', write: (w: JuteWriter) => w.int(-101), read: (r: JuteReader) => r.int(), value: -101 },
    { name: 'a long beyond 2^53', write: (w: JuteWriter) => w.long(2n ** 60n + 1n), read: (r: JuteReader) => r.long(), value: 2n ** 60n + 1n },
    { name: 'a UTF-8 string', write: (w: JuteWriter) => w.string('grüße ✓'), read: (r: JuteReader) => r.string(), value: 'grüße ✓' },
    { name: 'a null buffer as length -1', write: (w: JuteWriter) => w.buffer(null), read: (r: JuteReader) => r.buffer(), value: null },
    { name: 'an empty buffer', write: (w: JuteWriter) => w.buffer(Buffer.alloc(0)), read: (r: JuteReader) => r.buffer()?.length, value: 0 },
    {
      name: 'a vector of strings',
      write: (w: JuteWriter) => w.int(2).string('a').string('zookeeper'),
      read: (r: JuteReader) => r.strings(),
      value: ['a', 'zookeeper'],
    },
  ];
  for (const { name, write, read, value } of roundTrips) {
    it(`reads back what it wrote: ${name}`, () => {
      const reader = new JuteReader(write(new JuteWriter()).bytes());
      assert.deepEqual(read(reader), value);
      assert.equal(reader.remaining, 0);
    });
  }

  it('reads a Stat and takes its version, cversion, mzxid and child count', () => {
    const body = new JuteWriter().long(1n).long(2n).long(3n).long(4n).int(5).int(6).int(7).long(0n).int(9).int(10).long(11n).bytes();
    assert.equal(body.length, 68);
    assert.deepEqual(readStat(new JuteReader(body)), { version: 5, cversion: 6, numChildren: 10, mzxid: 2n });
  });

  it('refuses a buffer that claims more bytes than the packet holds', () => {
    const reader = new JuteReader(new JuteWriter().int(10).int(1).bytes());
    assert.throws(() => reader.buffer(), RangeError);
  });
});
