import { quote } from '../../go/strconv.js';
import type { ZonedTime } from '../time.js';

/**
 * Go's time.ParseInLocation(layout, value, time.Local) for the layout elements templates use:
 * numeric dates and clocks, month and day names, AM/PM, numeric zones, MST-style abbreviations
 * and fractional seconds. Errors read as Go's (`parsing time "x" as "2006": cannot parse …`).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Layout elements, longest first where one is a prefix of another. */
const ELEMENTS = [
  'January', 'Jan', 'Monday', 'Mon', 'MST', '2006', '002', '01', '02', '03', '04', '05', '06', '15', '_2',
  'Z07:00', 'Z0700', 'Z07', '-07:00', '-0700', '-07', 'PM', 'pm', '1', '2', '3', '4', '5',
];

interface Parsed {
  year: number; month: number; day: number; hour: number; minute: number; second: number; nanos: number;
  pm?: boolean; offset?: number; zone?: string;
}

function number(value: string, min: number, max: number): [number, number] | undefined {
  const m = new RegExp(`^[0-9]{${min},${max}}`).exec(value);
  return m ? [Number(m[0]), m[0].length] : undefined;
}

function named(value: string, names: readonly string[], short: boolean): [number, number] | undefined {
  const i = names.findIndex((n) => value.toLowerCase().startsWith((short ? n.slice(0, 3) : n).toLowerCase()));
  return i < 0 ? undefined : [i, short ? 3 : names[i]!.length];
}

/** Reads one element from `value`; returns the characters used, or undefined when it does not match. */
function readElement(element: string, value: string, p: Parsed): number | undefined {
  const set = (field: keyof Parsed, r: [number, number] | undefined, shift = 0) => (r ? ((p[field] as number) = r[0] + shift, r[1]) : undefined);
  switch (element) {
    case 'January': case 'Jan': return set('month', named(value, MONTHS, element === 'Jan'), 1);
    case 'Monday': case 'Mon': return named(value, DAYS, element === 'Mon')?.[1];
    case '2006': return set('year', number(value, 4, 4));
    case '06': { const r = number(value, 2, 2); return r ? ((p.year = r[0] + (r[0] >= 69 ? 1900 : 2000)), 2) : undefined; }
    case '01': return set('month', number(value, 2, 2));
    case '1': return set('month', number(value, 1, 2));
    case '02': return set('day', number(value, 2, 2));
    case '2': return set('day', number(value, 1, 2));
    case '_2': { const lead = value.startsWith(' ') ? 1 : 0; const n = set('day', number(value.slice(lead), 1, 2)); return n === undefined ? undefined : n + lead; }
    case '15': return set('hour', number(value, 1, 2));
    case '03': case '3': return set('hour', number(value, element === '3' ? 1 : 2, 2));
    case '04': case '4': return set('minute', number(value, element === '4' ? 1 : 2, 2));
    case '05': case '5': return set('second', number(value, element === '5' ? 1 : 2, 2));
    case 'PM': case 'pm': {
      const m = /^(AM|PM)/i.exec(value);
      return m ? ((p.pm = m[1]!.toUpperCase() === 'PM'), 2) : undefined;
    }
    case 'MST': {
      const m = /^(UTC|[A-Z]{3,4}(?:[+-][0-9]{1,2})?)/.exec(value);
      return m ? ((p.zone = m[1]!), m[1]!.length) : undefined;
    }
    default: return readZone(element, value, p);
  }
}

function readZone(element: string, value: string, p: Parsed): number | undefined {
  if (element.startsWith('Z') && value.startsWith('Z')) return (p.offset = 0), 1;
  const shape = element.replace(/^Z/, '-');
  const re = shape === '-07:00' ? /^([+-])([0-9]{2}):([0-9]{2})/ : shape === '-0700' ? /^([+-])([0-9]{2})([0-9]{2})/ : /^([+-])([0-9]{2})()/;
  const m = re.exec(value);
  if (!m) return undefined;
  p.offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] || 0));
  return m[0].length;
}

/** The wall time in the process's local zone: its offset at that moment. */
function localOffset(utcGuess: number): number {
  return -new Date(utcGuess).getTimezoneOffset();
}

function numericZone(offset: number): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

export function parseGoTime(layout: string, value: string): ZonedTime {
  const fail = (element: string, rest: string, extra = '') =>
    new Error(`parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(rest)} as ${quote(element)}${extra}`);
  const p: Parsed = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 };
  let l = 0;
  let v = 0;
  while (l < layout.length) {
    const fractional = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(l));
    if (fractional) {
      const m = /^[.,]([0-9]+)/.exec(value.slice(v));
      if (m) p.nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
      else if (fractional[1]![0] === '0') throw fail(fractional[0], value.slice(v));
      l += fractional[0].length;
      v += m ? m[0].length : 0;
      continue;
    }
    const element = ELEMENTS.find((e) => layout.startsWith(e, l));
    if (!element) {
      if (value[v] !== layout[l]) throw fail(layout.slice(l), value.slice(v));
      l++;
      v++;
      continue;
    }
    const used = readElement(element, value.slice(v), p);
    // Go slices a four-digit year off before reading it, so its error shows what follows.
    const shown = element === '2006' && /^[0-9].{3}/s.test(value.slice(v)) ? value.slice(v + 4) : value.slice(v);
    if (used === undefined) throw fail(element, shown);
    // A seconds element may be followed by a fraction the layout does not mention.
    if ((element === '05' || element === '5') && /^[.,][0-9]/.test(value.slice(v + used)) && !/^[.,][09]/.test(layout.slice(l + element.length))) {
      const m = /^[.,]([0-9]+)/.exec(value.slice(v + used))!;
      p.nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
      v += m[0].length;
    }
    l += element.length;
    v += used;
  }
  const ranges: [keyof Parsed, number, number][] = [['month', 1, 12], ['day', 1, 31], ['hour', 0, 23], ['minute', 0, 59], ['second', 0, 59]];
  for (const [field, min, max] of ranges) {
    const n = p[field] as number;
    if (n < min || n > max) throw new Error(`parsing time ${quote(value)}: ${field} out of range`);
  }
  const daysInMonth = new Date(Date.UTC(2000 + (p.year % 400), p.month, 0)).getUTCDate();
  if (p.day > daysInMonth) throw new Error(`parsing time ${quote(value)}: day out of range`);
  if (v < value.length) throw new Error(`parsing time ${quote(value)}: extra text: ${quote(value.slice(v))}`);
  if (p.pm !== undefined && p.hour < 12 && p.pm) p.hour += 12;
  if (p.pm === false && p.hour === 12) p.hour = 0;
  const wall = new Date(0);
  wall.setUTCFullYear(p.year, p.month - 1, p.day);
  wall.setUTCHours(p.hour, p.minute, p.second, 0);
  const wallMs = wall.getTime();
  // A zone abbreviation Go cannot place in the local zone becomes a zone of that name at +0000.
  const offset = p.offset ?? (p.zone !== undefined ? 0 : localOffset(wallMs));
  // A numeric offset makes an unnamed fixed zone, which Go prints as the offset ("+0200").
  const zone = p.offset === undefined ? (p.zone ?? (offset === 0 ? 'UTC' : 'Local')) : offset === 0 ? 'UTC' : numericZone(offset);
  return { ms: wallMs - offset * 60_000 + Math.floor(p.nanos / 1e6), extraNanos: p.nanos % 1e6, offset, zone };
}
