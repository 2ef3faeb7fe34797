import { GoInt, GO_METHODS, goFunc, type FuncMap, type GoStruct, type GoValue } from '../../go/values.js';
import { typeName } from '../../go/reflect.js';
import { goTime, type ZonedTime } from '../time.js';
import { formatDuration, parseDuration } from './duration.js';
import { parseGoTime } from './parse-time.js';

/**
 * sprig's hermetic date functions (date.go): durations, toDate, dateModify, unixEpoch and ago
 * (which reads the clock, yet consul-template keeps it). Times are time.Time values (time.ts).
 */

/** The instant and zone of a time.Time value, read back through its methods. */
function zonedOf(t: GoValue): ZonedTime {
  const methods = (t as GoStruct & { [GO_METHODS]: Record<string, { call: (...a: GoValue[]) => GoValue }> })[GO_METHODS];
  const seconds = Number(methods.Unix!.call());
  const nanos = Number(methods.Nanosecond!.call());
  const offsetText = String((methods.Format!.call('-0700') as string));
  const offset = (offsetText[0] === '-' ? -1 : 1) * (Number(offsetText.slice(1, 3)) * 60 + Number(offsetText.slice(3, 5)));
  return { ms: seconds * 1000 + Math.floor(nanos / 1e6), extraNanos: nanos % 1e6, offset, zone: String(methods.Format!.call('MST')) };
}

function addDuration(t: ZonedTime, d: bigint): ZonedTime {
  const nanos = BigInt(t.ms) * 1_000_000n + BigInt(t.extraNanos) + d;
  const ms = nanos / 1_000_000n - (nanos % 1_000_000n < 0n ? 1n : 0n);
  return { ...t, ms: Number(ms), extraNanos: Number(nanos - ms * 1_000_000n) };
}

function duration(sec: GoValue): string {
  let n = 0n;
  if (typeof sec === 'string') n = /^[+-]?[0-9]+$/.test(sec) ? BigInt(sec) : 0n;
  else if (sec instanceof GoInt && sec.type === 'int64') n = sec.value;
  return formatDuration(BigInt.asIntN(64, n * 1_000_000_000n));
}

function durationRound(value: GoValue): string {
  let d = 0n;
  if (typeof value === 'string') {
    try {
      d = parseDuration(value);
    } catch {
      d = 0n;
    }
  } else if (value instanceof GoInt && value.type === 'int64') d = value.value;
  else if (typeName(value) === 'time.Time') d = BigInt(Date.now() - zonedOf(value).ms) * 1_000_000n;
  const u = d < 0n ? -d : d;
  const units: [bigint, string][] = [
    [3_600_000_000_000n * 24n * 365n, 'y'], [3_600_000_000_000n * 24n * 30n, 'mo'], [3_600_000_000_000n * 24n, 'd'],
    [3_600_000_000_000n, 'h'], [60_000_000_000n, 'm'], [1_000_000_000n, 's'],
  ];
  const unit = units.find(([size]) => u > size);
  return unit ? `${u / unit[0]}${unit[1]}` : '0s';
}

function ago(date: GoValue): string {
  let ms = Date.now();
  if (typeName(date) === 'time.Time') ms = zonedOf(date).ms;
  else if (date instanceof GoInt && date.type === 'int64') ms = Number(date.value) * 1000;
  else if (typeof date === 'number') ms = date * 1000;
  const elapsed = BigInt(Math.round((Date.now() - ms) / 1000)) * 1_000_000_000n;
  return formatDuration(elapsed);
}

function mustDateModify(fmt: string, date: GoValue): GoStruct {
  return goTime(addDuration(zonedOf(date), parseDuration(fmt)));
}

export function dateFuncs(): FuncMap {
  const dateModify = goFunc(['string', 'time.Time'], mustDateModify);
  return {
    ago: goFunc(['any'], ago),
    duration: goFunc(['any'], duration),
    durationRound: goFunc(['any'], durationRound),
    toDate: goFunc(['string', 'string'], (layout: string, value: string) => {
      try {
        return goTime(parseGoTime(layout, value));
      } catch {
        return goTime({ ms: -62135596800000, extraNanos: 0, offset: 0, zone: 'UTC' });
      }
    }),
    mustToDate: goFunc(['string', 'string'], (layout: string, value: string) => goTime(parseGoTime(layout, value))),
    mustDateModify: dateModify,
    must_date_modify: dateModify,
    unixEpoch: goFunc(['time.Time'], (date: GoValue) => String(Math.floor(zonedOf(date).ms / 1000))),
  };
}
