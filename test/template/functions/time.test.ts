import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GoStruct } from '../../../src/template/go/values.js';
import { methodOf } from '../../../src/template/functions/methods.js';
import { formatGoTime } from '../../../src/template/functions/time.js';
import { call, funcsFor } from './helpers.js';

// 2009-11-10T23:04:05.123Z, a Tuesday
const MS = Date.UTC(2009, 10, 10, 23, 4, 5, 123);
const utc = { ms: MS, extraNanos: 0, offset: 0, zone: 'UTC' };
const cet = { ms: MS, extraNanos: 0, offset: 60, zone: 'CET' };

describe('Go layout formatting', () => {
  const cases: [string, typeof utc, string, string][] = [
    ['RFC 3339 in UTC', utc, '2006-01-02T15:04:05Z07:00', '2009-11-10T23:04:05Z'],
    ['RFC 3339 with an offset', cet, '2006-01-02T15:04:05Z07:00', '2009-11-11T00:04:05+01:00'],
    ['names and 12-hour clock', utc, 'Mon Monday Jan January 3:04PM pm', 'Tue Tuesday Nov November 11:04PM pm'],
    ['padded fields', utc, '06 1 2 _2 002 15', '09 11 10 10 314 23'],
    ['fractions', utc, '05.000 05.999 .9', '05.123 05.123 .1'],
    ['zone name and numeric offsets', cet, 'MST -0700 -07 Z0700', 'CET +0100 +01 +0100'],
    ['literal text stays', utc, 'Monkey _2006', 'Monkey _2009'],
  ];
  for (const [name, t, layout, want] of cases) it(name, () => assert.equal(formatGoTime(t, layout), want));
});

describe('timestamp and datetime', () => {
  const f = funcsFor('consul-template', undefined, {}, { now: () => MS });
  it('timestamp defaults to RFC 3339 UTC', () => assert.equal(call(f, 'timestamp'), '2009-11-10T23:04:05Z'));
  it('timestamp "unix"', () => assert.equal(call(f, 'timestamp', 'unix'), '1257894245'));
  it('timestamp with a layout', () => assert.equal(call(f, 'timestamp', '2006-01-02'), '2009-11-10'));
  it('timestamp with two arguments fails', () => {
    assert.throws(() => call(f, 'timestamp', 'a', 'b'), { message: 'timestamp: wrong number of arguments, expected 0 or 1, but got 2' });
  });
  it('datetime returns a time.Time whose methods templates call', () => {
    const t = call(f, 'datetime') as GoStruct;
    const utcTime = methodOf(t, 'UTC')!.call() as GoStruct;
    assert.equal(methodOf(utcTime, 'Format')!.call('2006-01-02 15:04'), '2009-11-10 23:04');
    assert.equal(methodOf(t, 'Unix')!.call(), 1257894245);
    assert.equal(methodOf(utcTime, 'String')!.call(), '2009-11-10 23:04:05.123 +0000 UTC');
  });
});
