/**
 * fmt.Sprintf's directive parsing (print.go doPrintf): flags, width, precision, `*` operands
 * and explicit argument indexes (`%[2]d`, `%[2]*[1]d`), with Go's error forms.
 */
import { Printer } from './print.js';
import { typeName } from './reflect.js';
import type { GoValue } from './values.js';

/** Where doPrintf is in the operand list. */
interface ArgState {
  argNum: number;
  /** An explicit index was used somewhere: unused operands are then not reported. */
  reordered: boolean;
  /** False when the current directive has a bad index: it prints `%!d(BADINDEX)`. */
  goodArgNum: boolean;
  /** The previous item was an index like `[3]`. */
  afterIndex: boolean;
}

/** Go's tooLarge bound: widths, precisions and indexes beyond it are absurd. */
const TOO_LARGE = 1e6;

/** Go's parsenum over format[start, end): a decimal number, absurd ones count as none. */
function parseNumber(format: string, start: number, end: number): { value: number; present: boolean; next: number } {
  if (start >= end) return { value: 0, present: false, next: end };
  let value = 0;
  let next = start;
  for (; next < end && format.charCodeAt(next) >= 0x30 && format.charCodeAt(next) <= 0x39; next++) {
    if (value > TOO_LARGE) return { value: 0, present: false, next: end };
    value = value * 10 + format.charCodeAt(next) - 0x30;
  }
  return { value, present: next > start, next };
}

/** Reads `[n]` at i (known to be '['): the zero-based index, the length consumed and whether it parsed. */
function parseArgIndex(format: string, i: number): { index: number; width: number; ok: boolean } {
  if (format.length - i < 3) return { index: 0, width: 1, ok: false };
  const close = format.indexOf(']', i + 1);
  if (close < 0) return { index: 0, width: 1, ok: false };
  const n = parseNumber(format, i + 1, close);
  if (!n.present || n.next !== close) return { index: 0, width: close - i + 1, ok: false };
  return { index: n.value - 1, width: close - i + 1, ok: true };
}

/** Go's argNumber: consumes an explicit index at i, if any, and returns the new position. */
function argNumber(st: ArgState, format: string, i: number, numArgs: number): number {
  if (format[i] !== '[') {
    st.afterIndex = false;
    return i;
  }
  st.reordered = true;
  const { index, width, ok } = parseArgIndex(format, i);
  if (ok && index >= 0 && index < numArgs) st.argNum = index;
  else st.goodArgNum = false;
  st.afterIndex = ok;
  return i + width;
}

/** A `*` operand: the int at argNum (consumed when present), or not an int. */
function intFromArg(st: ArgState, args: readonly GoValue[]): { value: number; isInt: boolean } {
  if (st.argNum >= args.length) return { value: 0, isInt: false };
  const arg = args[st.argNum++];
  if (typeof arg !== 'number' || Math.abs(arg) > TOO_LARGE) return { value: 0, isInt: false };
  return { value: arg, isInt: true };
}

function parseWidth(p: Printer, st: ArgState, format: string, i: number, args: readonly GoValue[]): number {
  if (format[i] === '*') {
    const { value, isInt } = intFromArg(st, args);
    if (!isInt) p.out += '%!(BADWIDTH)';
    [p.wid, p.widPresent] = [Math.abs(value), isInt];
    if (value < 0) [p.minus, p.zero] = [true, false];
    st.afterIndex = false;
    return i + 1;
  }
  const width = parseNumber(format, i, format.length);
  [p.wid, p.widPresent] = [width.value, width.present];
  if (st.afterIndex && p.widPresent) st.goodArgNum = false; // "%[3]2d"
  return width.next;
}

function parsePrecision(p: Printer, st: ArgState, format: string, start: number, args: readonly GoValue[]): number {
  if (st.afterIndex) st.goodArgNum = false; // "%[3].2d"
  const i = argNumber(st, format, start, args.length);
  if (format[i] === '*') {
    const { value, isInt } = intFromArg(st, args);
    [p.prec, p.precPresent] = [Math.max(value, 0), isInt && value >= 0];
    if (!p.precPresent) p.out += '%!(BADPREC)';
    st.afterIndex = false;
    return i + 1;
  }
  const precision = parseNumber(format, i, format.length);
  [p.prec, p.precPresent] = [precision.present ? precision.value : 0, true];
  return precision.next;
}

/** Parses flags, index, width and precision after a '%'; returns the index of the verb. */
function parseDirective(p: Printer, st: ArgState, format: string, start: number, args: readonly GoValue[]): number {
  let i = start;
  for (; i < format.length; i++) {
    const c = format[i];
    if (c === '#') p.sharp = true;
    else if (c === '0') p.zero = !p.minus;
    else if (c === '+') p.plus = true;
    else if (c === '-') [p.minus, p.zero] = [true, false];
    else if (c === ' ') p.space = true;
    else break;
  }
  i = argNumber(st, format, i, args.length);
  i = parseWidth(p, st, format, i, args);
  if (i + 1 < format.length && format[i] === '.') i = parsePrecision(p, st, format, i + 1, args);
  return st.afterIndex ? i : argNumber(st, format, i, args.length);
}

function printVerb(p: Printer, st: ArgState, verb: string, args: readonly GoValue[]): void {
  if (verb === '%') p.out += '%';
  else if (!st.goodArgNum) p.out += `%!${verb}(BADINDEX)`;
  else if (st.argNum >= args.length) p.out += `%!${verb}(MISSING)`;
  else {
    if (verb === 'v') [p.sharpV, p.sharp, p.plusV, p.plus] = [p.sharp, false, p.plus, false];
    p.printArg(args[st.argNum++], verb);
  }
}

function extraOperands(args: readonly GoValue[], wrapperType?: string): string {
  const extras = args.map((arg) => {
    if ((arg === null || arg === undefined) && !wrapperType) return '<nil>';
    const q = new Printer();
    q.printArg(arg, 'v');
    return `${wrapperType ?? typeName(arg)}=${q.out}`;
  });
  return `%!(EXTRA ${extras.join(', ')})`;
}

/**
 * fmt.Sprintf with Go's verbs, flags and error forms (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA …)`).
 * `wrapperType` names the type every operand had when a caller wrapped them (go-spew's
 * `*spew.formatState`), as `%!(EXTRA …)` shows it.
 */
export function sprintf(format: string, args: readonly GoValue[], wrapperType?: string): string {
  const p = new Printer();
  const st: ArgState = { argNum: 0, reordered: false, goodArgNum: true, afterIndex: false };
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      p.out += format.slice(i);
      break;
    }
    p.out += format.slice(i, percent);
    p.clearFlags();
    st.goodArgNum = true;
    i = parseDirective(p, st, format, percent + 1, args);
    if (i >= format.length) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    printVerb(p, st, verb, args);
  }
  if (!st.reordered && st.argNum < args.length) p.out += extraOperands(args.slice(st.argNum), wrapperType);
  return p.out;
}
