import { goFunc, type FuncMap, type GoStruct } from '../go/values.js';
import { goObject } from './methods.js';

/**
 * Time functions: confd's `datetime` (a Go time.Time with methods, local zone) and
 * consul-template's `timestamp` (UTC, formatted with a Go layout or "unix").
 */

/** A point in time in a zone, as Go's time.Time carries it. */
export interface ZonedTime {
  readonly ms: number;
  /** Nanoseconds within the millisecond (0 from Date). */
  readonly extraNanos: number;
  /** Minutes east of UTC. */
  readonly offset: number;
  readonly zone: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Layout tokens in Go's nextStdChunk precedence order (longest first within a lead char). */
const TOKENS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST', '01', '02', '03', '04', '05', '06', '002', '15', '1',
  '2006', '2', '__2', '_2', '3', '4', '5', 'PM', 'pm',
  '-07:00:00', '-070000', '-0700', '-07:00', '-07', 'Z07:00:00', 'Z070000', 'Z0700', 'Z07:00', 'Z07',
];

const pad = (n: number, width = 2, fill = '0') => String(n).padStart(width, fill);

interface Fields {
  year: number; month: number; day: number; hour: number; minute: number; second: number;
  weekday: number; yearDay: number; nanos: number;
}

function fieldsOf(t: ZonedTime): Fields {
  const d = new Date(t.ms + t.offset * 60_000);
  const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    weekday: d.getUTCDay(), yearDay: Math.floor((d.getTime() - startOfYear) / 86_400_000) + 1,
    nanos: (((t.ms % 1000) + 1000) % 1000) * 1_000_000 + t.extraNanos,
  };
}

function formatZone(token: string, t: ZonedTime): string {
  if (token.startsWith('Z') && t.offset === 0) return 'Z';
  const sign = t.offset < 0 ? '-' : '+';
  const abs = Math.abs(t.offset);
  const hh = pad(Math.floor(abs / 60));
  const mm = pad(abs % 60);
  const body = token.replace(/^Z/, '-');
  if (body === '-07') return `${sign}${hh}`;
  if (body === '-0700') return `${sign}${hh}${mm}`;
  if (body === '-07:00') return `${sign}${hh}:${mm}`;
  return body === '-070000' ? `${sign}${hh}${mm}00` : `${sign}${hh}:${mm}:00`;
}

function formatToken(token: string, f: Fields, t: ZonedTime): string {
  switch (token) {
    case 'January': return MONTHS[f.month - 1]!;
    case 'Jan': return MONTHS[f.month - 1]!.slice(0, 3);
    case 'Monday': return DAYS[f.weekday]!;
    case 'Mon': return DAYS[f.weekday]!.slice(0, 3);
    case 'MST': return t.zone;
    case '01': return pad(f.month);
    case '1': return String(f.month);
    case '02': return pad(f.day);
    case '2': return String(f.day);
    case '_2': return pad(f.day, 2, ' ');
    case '002': return pad(f.yearDay, 3);
    case '__2': return pad(f.yearDay, 3, ' ');
    case '03': return pad(f.hour % 12 || 12);
    case '3': return String(f.hour % 12 || 12);
    case '15': return pad(f.hour);
    case '04': return pad(f.minute);
    case '4': return String(f.minute);
    case '05': return pad(f.second);
    case '5': return String(f.second);
    case '06': return pad(f.year % 100);
    case '2006': return pad(f.year, 4);
    case 'PM': return f.hour >= 12 ? 'PM' : 'AM';
    case 'pm': return f.hour >= 12 ? 'pm' : 'am';
    default: return formatZone(token, t);
  }
}

/** Fractional seconds: ".000" keeps the zeros, ".999" trims them (and the dot when all zero). */
function formatFraction(spec: string, nanos: number): string {
  const digits = pad(nanos, 9).slice(0, spec.length - 1);
  if (spec[1] === '0') return `${spec[0]}${digits}`;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? '' : `${spec[0]}${trimmed}`;
}

/** Formats `t` with a Go reference-time layout ("2006-01-02T15:04:05Z07:00"). */
export function formatGoTime(t: ZonedTime, layout: string): string {
  const f = fieldsOf(t);
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const fraction = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (fraction) {
      out += formatFraction(fraction[0], f.nanos);
      i += fraction[0].length;
      continue;
    }
    const token = TOKENS.find((tok) => layout.startsWith(tok, i) && !isWordContinuation(tok, layout, i));
    if (token) {
      out += formatToken(token, f, t);
      i += token.length;
    } else out += layout[i++];
  }
  return out;
}

/** Go reads "Jan"/"Mon" followed by a lower-case letter, and "_2006", as literal text. */
function isWordContinuation(token: string, layout: string, i: number): boolean {
  if (token === '_2') return layout.startsWith('_2006', i);
  if (token !== 'Jan' && token !== 'Mon') return false;
  return /[a-z]/.test(layout[i + token.length] ?? '');
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

function localZone(ms: number): { offset: number; zone: string } {
  const offset = -new Date(ms).getTimezoneOffset();
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')?.value;
  const zone = offset === 0 && (!part || part === 'GMT') ? 'UTC' : (part ?? 'UTC');
  return { offset, zone };
}

/** A time.Time value with the methods templates call on it. */
export function goTime(t: ZonedTime): GoStruct {
  const f = fieldsOf(t);
  const utc = (): GoStruct => goTime({ ...t, offset: 0, zone: 'UTC' });
  return goObject('time.Time', {
    Format: goFunc(['string'], (layout: string) => formatGoTime(t, layout)),
    String: goFunc([], () => formatGoTime(t, '2006-01-02 15:04:05.999999999 -0700 MST')),
    MarshalJSON: goFunc([], () => `"${formatGoTime(t, '2006-01-02T15:04:05.999999999Z07:00')}"`),
    Unix: goFunc([], () => Math.floor(t.ms / 1000)),
    UnixNano: goFunc([], () => t.ms * 1_000_000 + t.extraNanos),
    UTC: goFunc([], utc),
    Local: goFunc([], () => goTime({ ...t, ...localZone(t.ms) })),
    Year: goFunc([], () => f.year),
    Month: goFunc([], () => MONTHS[f.month - 1]!),
    Day: goFunc([], () => f.day),
    Weekday: goFunc([], () => DAYS[f.weekday]!),
    YearDay: goFunc([], () => f.yearDay),
    Hour: goFunc([], () => f.hour),
    Minute: goFunc([], () => f.minute),
    Second: goFunc([], () => f.second),
    Nanosecond: goFunc([], () => f.nanos),
  });
}

/** The current time in the local zone. */
export function nowLocal(now: () => number = Date.now): ZonedTime {
  const ms = now();
  return { ms, extraNanos: 0, ...localZone(ms) };
}

/** Go's timestamp: RFC 3339 in UTC, a Go layout, or "unix" seconds. */
export function formatTimestamp(ms: number, args: readonly string[]): string {
  if (args.length > 1) {
    throw new Error(`timestamp: wrong number of arguments, expected 0 or 1, but got ${args.length}`);
  }
  if (args[0] === 'unix') return String(Math.floor(ms / 1000));
  return formatGoTime({ ms, extraNanos: 0, offset: 0, zone: 'UTC' }, args[0] ?? RFC3339);
}

/** `datetime` (confd) and `timestamp` (consul-template); `now` is injectable for tests. */
export function timeFuncs(now: () => number = Date.now): FuncMap {
  return {
    datetime: goFunc([], () => goTime(nowLocal(now))),
    timestamp: goFunc([], (...args: string[]) => formatTimestamp(now(), args), 'string'),
  };
}
