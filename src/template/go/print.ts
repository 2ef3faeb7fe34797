/**
 * Go's fmt for template values: Sprint, Sprintln, Sprintf with the %v layouts (`[a b]`,
 * `map[a:1 b:2]`, `{a b}`, `<nil>`), the printf verbs, flags, width and precision, and the
 * `%!d(string=x)` error forms.
 */
import { compareStrings, isStruct, typeName } from './reflect.js';
import { sharpFloat } from './float-format.js';
import { canBackquote, formatFloat, quote, quoteRune, type FloatFormat } from './strconv.js';
import { GO_TYPE_NAME, GoChannel, GoFloat, GoInt, GoNil, JsonNumber, methodOf, type GoStruct, type GoValue } from './values.js';

const STRING_VERBS = new Set(['v', 's', 'q', 'x', 'X']);

/** A pseudo address, for the values Go prints as pointers (channels, nested struct pointers). */
const FAKE_POINTER = '0xc000010000';

const runeCount = (s: string): number => (/^[\x00-\x7f]*$/.test(s) ? s.length : [...s].length);

/** %T: the Go type of a value, `<nil>` for nil. */
export function typeString(value: GoValue): string {
  return value === null || value === undefined ? '<nil>' : typeName(value);
}

/** Go's pp and fmt: the flags of the directive being printed, and the output so far. */
export class Printer {
  out = '';
  plus = false;
  minus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  widPresent = false;
  prec = 0;
  precPresent = false;

  clearFlags(): void {
    this.plus = this.minus = this.sharp = this.space = this.zero = false;
    this.plusV = this.sharpV = this.widPresent = this.precPresent = false;
    this.wid = this.prec = 0;
  }

  /** Writes s padded to the width, counted in runes. */
  pad(s: string): void {
    const width = this.widPresent ? this.wid - runeCount(s) : 0;
    if (width <= 0) this.out += s;
    else if (this.minus) this.out += s + ' '.repeat(width);
    else this.out += (this.zero ? '0' : ' ').repeat(width) + s;
  }

  truncate(s: string): string {
    if (!this.precPresent) return s;
    return [...s].slice(0, this.prec).join('');
  }

  printArg(arg: GoValue, verb: string, depth = 0): void {
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.pad(typeString(arg));
      return;
    }
    if (typeof arg === 'boolean') {
      if (verb === 't' || verb === 'v') this.pad(String(arg));
      else this.badVerb(verb, arg);
    } else if (typeof arg === 'number') {
      this.printInteger(arg, verb);
    } else if (arg instanceof GoInt) {
      this.printInteger(arg.value, verb, arg);
    } else if (arg instanceof GoFloat) {
      this.printFloat(arg.value, verb);
    } else if (typeof arg === 'string') {
      this.printString(arg, verb);
    } else if (arg instanceof JsonNumber) {
      // A string kind to fmt: %v %s %q %x print its text, %d is a bad verb named json.Number.
      if (STRING_VERBS.has(verb)) this.printString(arg.text, verb);
      else this.badVerb(verb, arg);
    } else if (arg instanceof GoNil) {
      if (verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg);
    } else if (!this.printStringer(arg, verb)) {
      this.printComposite(arg, verb, depth);
    }
  }

  /** fmt's handleMethods: a value with a String() method (time.Time) prints its result for %v %s %q %x. */
  printStringer(arg: GoValue, verb: string): boolean {
    const stringer = methodOf(arg, 'String');
    if (!stringer || stringer.params.length > 0 || this.sharpV || !STRING_VERBS.has(verb)) return false;
    this.printString(String(stringer.call()), verb);
    return true;
  }

  badVerb(verb: string, arg: GoValue): void {
    this.out += `%!${verb}(`;
    if (arg === null || arg === undefined) this.out += '<nil>';
    else {
      this.out += typeName(arg) + '=';
      this.printArg(arg, 'v');
    }
    this.out += ')';
  }

  /** `typed`: the GoInt being printed, for its type name in `%!verb(type=…)`. */
  printInteger(n: number | bigint, verb: string, typed?: GoInt): void {
    switch (verb) {
      case 'v': case 'd': return this.fmtInteger(n, 10, verb, '0123456789abcdef');
      case 'b': return this.fmtInteger(n, 2, verb, '01');
      case 'o': case 'O': return this.fmtInteger(n, 8, verb, '01234567');
      case 'x': return this.fmtInteger(n, 16, verb, '0123456789abcdef');
      case 'X': return this.fmtInteger(n, 16, verb, '0123456789ABCDEF');
      case 'c': return this.pad(validRune(Number(n)) ? String.fromCodePoint(Number(n)) : '\ufffd');
      case 'q': return this.pad(quoteRune(Number(n), this.plus));
      case 'U': return this.fmtUnicode(Number(n));
    }
    this.badVerb(verb, typed ?? Number(n));
  }

  fmtInteger(n: number | bigint, base: number, verb: string, digitSet: string): void {
    const negative = n < 0;
    if (this.precPresent && this.prec === 0 && (n === 0 || n === 0n)) {
      const oldZero = this.zero;
      this.zero = false;
      this.pad('');
      this.zero = oldZero;
      return;
    }
    const big = BigInt(n);
    let digits = (big < 0n ? -big : big).toString(base);
    if (digitSet[10] === 'A') digits = digits.toUpperCase();
    let minDigits = this.precPresent ? this.prec : 0;
    if (!this.precPresent && this.zero && !this.minus && this.widPresent) {
      minDigits = this.wid - (negative || this.plus || this.space ? 1 : 0);
    }
    digits = digits.padStart(minDigits, '0');
    if (this.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
      else if (base === 16) digits = '0' + verb + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    const sign = negative ? '-' : this.plus ? '+' : this.space ? ' ' : '';
    const oldZero = this.zero;
    this.zero = false;
    this.pad(sign + digits);
    this.zero = oldZero;
  }

  fmtUnicode(n: number): void {
    let s = 'U+' + BigInt(n).toString(16).toUpperCase().padStart(this.precPresent ? Math.max(this.prec, 4) : 4, '0');
    if (this.sharp && validRune(n) && /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(String.fromCodePoint(n))) {
      s += ` '${String.fromCodePoint(n)}'`;
    }
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  printFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v': return this.fmtFloat(v, 'g', -1);
      case 'b': case 'g': case 'G': case 'x': case 'X': return this.fmtFloat(v, verb, -1);
      case 'e': case 'E': case 'f': return this.fmtFloat(v, verb, 6);
      case 'F': return this.fmtFloat(v, 'f', 6);
    }
    this.badVerb(verb, new GoFloat(v));
  }

  fmtFloat(v: number, verb: FloatFormat, defaultPrec: number): void {
    const prec = this.precPresent ? this.prec : defaultPrec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') num = sharpFloat(num, verb, prec);
    if (this.plus || num[0] !== '+') {
      if (this.zero && this.widPresent && this.wid > num.length) {
        this.out += num[0] + '0'.repeat(this.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  printString(s: string, verb: string): void {
    switch (verb) {
      case 'v': return this.sharpV ? this.fmtQ(s) : this.pad(this.truncate(s));
      case 's': return this.pad(this.truncate(s));
      case 'q': return this.fmtQ(s);
      case 'x': case 'X': return this.fmtHex(s, verb);
    }
    this.badVerb(verb, s);
  }

  fmtQ(s: string): void {
    const t = this.truncate(s);
    if (this.sharp && canBackquote(t)) this.pad('`' + t + '`');
    else this.pad(quote(t, this.plus));
  }

  fmtHex(s: string, verb: string): void {
    let bytes = [...Buffer.from(s, 'utf8')];
    if (this.precPresent) bytes = bytes.slice(0, this.prec);
    const digits = bytes.map((b) => b.toString(16).padStart(2, '0'));
    const prefix = this.sharp ? '0' + verb : '';
    let text = this.space ? digits.map((d) => prefix + d).join(' ') : (digits.length > 0 ? prefix : '') + digits.join('');
    if (verb === 'X') text = text.toUpperCase();
    this.pad(text);
  }

  printComposite(value: GoValue, verb: string, depth: number): void {
    if (value instanceof GoChannel) return this.pad(FAKE_POINTER);
    if (Array.isArray(value)) return this.printList(value, verb, depth);
    if (value instanceof Map) return this.printMap(value, verb, depth);
    if (isStruct(value)) return this.printStruct(value, verb, depth);
  }

  printElement(value: GoValue, verb: string, depth: number): void {
    if (value === null || value === undefined) this.pad('<nil>');
    else this.printArg(value, verb, depth);
  }

  printList(list: readonly GoValue[], verb: string, depth: number): void {
    this.out += this.sharpV ? `${typeName(list)}{` : '[';
    list.forEach((item, i) => {
      if (i > 0) this.out += this.sharpV ? ', ' : ' ';
      this.printElement(item, verb, depth + 1);
    });
    this.out += this.sharpV ? '}' : ']';
  }

  printMap(map: ReadonlyMap<string, GoValue>, verb: string, depth: number): void {
    this.out += this.sharpV ? `${typeName(map)}{` : 'map[';
    [...map.keys()].sort(compareStrings).forEach((key, i) => {
      if (i > 0) this.out += this.sharpV ? ', ' : ' ';
      this.printArg(key, verb, depth + 1);
      this.out += ':';
      this.printElement(map.get(key), verb, depth + 1);
    });
    this.out += this.sharpV ? '}' : ']';
  }

  /** `indirect`: print a pointer's struct as text/template's printableValue does, without `&`. */
  printStruct(struct: GoStruct, verb: string, depth: number, indirect = false): void {
    const type = struct[GO_TYPE_NAME] ?? '';
    if (type.startsWith('*') && !indirect) {
      if (depth > 0) return this.pad(FAKE_POINTER);
      this.out += '&';
    }
    if (this.sharpV) this.out += type.replace(/^\*/, '') || 'struct {}';
    this.out += '{';
    Object.keys(struct).forEach((name, i) => {
      if (i > 0) this.out += this.sharpV ? ', ' : ' ';
      if (this.plusV || this.sharpV) this.out += name + ':';
      this.printElement(struct[name], verb, depth + 1);
    });
    this.out += '}';
  }
}

function validRune(n: number): boolean {
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
}

export { sprintf } from './printf.js';

/** fmt.Sprint: operands formatted with %v, a space between two operands when neither is a string. */
export function sprint(args: readonly GoValue[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string' || arg instanceof JsonNumber;
    if (i > 0 && !isString && !prevString) p.out += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.out;
}

/** fmt.Sprintln: operands formatted with %v, always space-separated, then a newline. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.out += ' ';
    p.printArg(arg, 'v');
  });
  return p.out + '\n';
}

/**
 * The %v text of one value, as `{{.}}` prints it (fast paths for the common scalars): a pointer
 * to a struct prints as the struct, without `&` (exec.go's printableValue indirects it).
 */
export function formatValue(value: GoValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof GoFloat) return formatFloat(value.value, 'g', -1);
  if (value instanceof GoInt) return value.value.toString();
  if (isStruct(value) && value[GO_TYPE_NAME]?.startsWith('*') && !methodOf(value, 'String')) {
    const p = new Printer();
    p.printStruct(value, 'v', 0, true);
    return p.out;
  }
  return sprint([value]);
}
