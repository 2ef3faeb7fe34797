/**
 * yaml.v2's Marshal as vendored in consul-template 0.20 (encode.go, sorter.go and libyaml's
 * emitterc.go, ported): block style with indentless sequences under keys, map keys in yaml.v2's
 * "natural" order (letters after other runes, digit runs compared as numbers), each string in
 * the style libyaml's scalar analysis allows (plain, 'single', "double" with escapes, | literal),
 * long lines folded at 80 columns, floats as float32 text.
 */
import { formatFloat32 } from '../go/strconv.js';
import { GoChannel, GoFloat, GoInt, GoNil, JsonNumber, type GoValue } from '../go/values.js';
import { resolvesToStringOld } from './yaml-v2-resolve.js';

type Node = { kind: 'scalar'; text: string; style: Style } | { kind: 'seq'; items: Node[] } | { kind: 'map'; entries: [Node, Node][] };
type Style = 'plain' | 'single' | 'double' | 'literal';

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

/** Go value → emitter node (encode.go's marshal). */
function toNode(value: GoValue): Node {
  if (value === null || value === undefined || value instanceof GoNil) return plain('null');
  if (typeof value === 'boolean') return plain(String(value));
  if (typeof value === 'number') return plain(String(value));
  if (value instanceof GoInt) return plain(value.value.toString());
  if (value instanceof GoFloat) return plain(floatText(value.value));
  if (value instanceof JsonNumber) return stringNode(value.text);
  if (typeof value === 'string') return stringNode(value);
  if (value instanceof GoChannel) return { kind: 'seq', items: [...value.values].map(toNode) };
  if (Array.isArray(value)) return { kind: 'seq', items: value.map(toNode) };
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareKeys);
    return { kind: 'map', entries: keys.map((k) => [stringNode(k), toNode(value.get(k))]) };
  }
  // Struct fields in declaration order, under yaml.v2's default key: the lower-cased name.
  return { kind: 'map', entries: Object.entries(value).map(([k, v]) => [stringNode(k.toLowerCase()), toNode(v as GoValue)]) };
}

const plain = (text: string): Node => ({ kind: 'scalar', text, style: 'plain' });

function floatText(value: number): string {
  const text = formatFloat32(value);
  return text === '+Inf' ? '.inf' : text === '-Inf' ? '-.inf' : text === 'NaN' ? '.nan' : text;
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** encode.go's stringv: a string that would read back as another type is double-quoted. */
function stringNode(s: string): Node {
  if (!resolvesToStringOld(s) || BASE60_FLOAT.test(s)) return { kind: 'scalar', text: s, style: 'double' };
  return { kind: 'scalar', text: s, style: s.includes('\n') ? 'literal' : 'plain' };
}

const isLetter = (r: string) => /\p{L}/u.test(r);
const isDigit = (r: string) => /\p{Nd}/u.test(r);

/** sorter.go's keyList.Less for string keys. */
export function compareKeys(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
    if (al || bl) return al ? 1 : -1;
    let ai = i;
    let bi = i;
    let an = 0n;
    let bn = 0n;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 0x30);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 0x30);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai - bi;
    return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
  }
  return ar.length - br.length;
}

interface ScalarAnalysis {
  readonly multiline: boolean;
  readonly flowPlainAllowed: boolean;
  readonly blockPlainAllowed: boolean;
  readonly singleQuotedAllowed: boolean;
  readonly blockAllowed: boolean;
}

const isBreak = (r: string) => r === '\r' || r === '\n' || r === '\u0085' || r === '\u2028' || r === '\u2029';
const isBlankOrEnd = (r: string | undefined) => r === undefined || r === ' ' || r === '\t' || isBreak(r) || r === '\0';

/** libyaml's is_printable (supplementary-plane runes are not). */
function isPrintable(r: string): boolean {
  const cp = r.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

/** yaml_emitter_analyze_scalar. */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value === '') return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const runes = Array.from(value);
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let flowIndicators = blockIndicators;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  runes.forEach((r, i) => {
    const followedByWhitespace = isBlankOrEnd(runes[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(r)) flowIndicators = blockIndicators = true;
      else if (r === '?' || r === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (r === '-' && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else if (',?[]{}'.includes(r)) flowIndicators = true;
    else if (r === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (r === '#' && precededByWhitespace) flowIndicators = blockIndicators = true;
    if (!isPrintable(r)) special = true;
    const isLast = i === runes.length - 1;
    if (r === ' ') {
      if (i === 0) leadingSpace = true;
      if (isLast) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(r)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (isLast) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(r);
  });
  let flowPlainAllowed = true;
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlainAllowed = blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) flowPlainAllowed = blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) flowPlainAllowed = blockPlainAllowed = singleQuotedAllowed = blockAllowed = false;
  if (lineBreaks) flowPlainAllowed = blockPlainAllowed = false;
  if (flowIndicators) flowPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, flowPlainAllowed, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

/** yaml_emitter_select_scalar_style (never in flow context: only empty collections are flow). */
function selectStyle(requested: Style, analysis: ScalarAnalysis, value: string, isSimpleKey: boolean): Style {
  let style = requested;
  if (isSimpleKey && analysis.multiline) style = 'double';
  if (style === 'plain') {
    if (!analysis.blockPlainAllowed) style = 'single';
    if (value === '' && isSimpleKey) style = 'single';
  }
  if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!analysis.blockAllowed || isSimpleKey)) style = 'double';
  return style;
}

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

/** The emitter's output position, as libyaml tracks it. */
class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  readonly indents: number[] = [];

  put(s: string): void {
    this.out += s;
    this.column += Array.from(s).length;
  }

  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  increaseIndent(isFlow: boolean, isIndentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = isFlow ? BEST_INDENT : 0;
    else if (!isIndentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = this.indention = true;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }
}

interface Context {
  readonly inMapping: boolean;
  readonly isSimpleKey: boolean;
}

function emitNode(e: Emitter, node: Node, ctx: Context): void {
  if (node.kind === 'scalar') return emitScalar(e, node.text, node.style, ctx);
  const isEmpty = node.kind === 'seq' ? node.items.length === 0 : node.entries.length === 0;
  if (isEmpty) {
    e.writeIndicator(node.kind === 'seq' ? '[' : '{', true, true, false);
    e.writeIndicator(node.kind === 'seq' ? ']' : '}', false, false, false);
    return;
  }
  if (node.kind === 'seq') {
    e.increaseIndent(false, ctx.inMapping && !e.indention);
    for (const item of node.items) {
      e.writeIndent();
      e.writeIndicator('-', true, false, true);
      emitNode(e, item, { inMapping: false, isSimpleKey: false });
    }
    return e.popIndent();
  }
  e.increaseIndent(false, false);
  for (const [key, value] of node.entries) {
    e.writeIndent();
    if (isSimpleKey(key)) {
      emitNode(e, key, { inMapping: true, isSimpleKey: true });
      e.writeIndicator(':', false, false, false);
    } else {
      e.writeIndicator('?', true, false, true);
      emitNode(e, key, { inMapping: true, isSimpleKey: false });
      e.writeIndent();
      e.writeIndicator(':', true, false, true);
    }
    emitNode(e, value, { inMapping: true, isSimpleKey: false });
  }
  e.popIndent();
}

/** yaml_emitter_check_simple_key for a key scalar: one line, at most 128 bytes. */
function isSimpleKey(key: Node): boolean {
  return key.kind === 'scalar' && !analyzeScalar(key.text).multiline && Buffer.byteLength(key.text) <= 128;
}

function emitScalar(e: Emitter, value: string, requested: Style, ctx: Context): void {
  const style = selectStyle(requested, analyzeScalar(value), value, ctx.isSimpleKey);
  e.increaseIndent(true, false);
  const allowBreaks = !ctx.isSimpleKey;
  if (style === 'plain') writePlain(e, value, allowBreaks);
  else if (style === 'single') writeSingleQuoted(e, value, allowBreaks);
  else if (style === 'double') writeDoubleQuoted(e, value, allowBreaks);
  else writeLiteral(e, value);
  e.popIndent();
}

function writePlain(e: Emitter, value: string, allowBreaks: boolean): void {
  if (!e.whitespace) e.put(' ');
  writeFolding(e, Array.from(value), allowBreaks, false);
  e.whitespace = e.indention = false;
}

/** The loop plain and single-quoted scalars share: spaces may fold past the width, breaks are doubled. */
function writeFolding(e: Emitter, runes: readonly string[], allowBreaks: boolean, isQuoted: boolean): void {
  let spaces = false;
  let breaks = false;
  runes.forEach((r, i) => {
    if (r === ' ') {
      const isInner = !isQuoted || (i > 0 && i < runes.length - 1);
      if (allowBreaks && !spaces && e.column > BEST_WIDTH && isInner && runes[i + 1] !== ' ') e.writeIndent();
      else e.put(r);
      spaces = true;
    } else if (isBreak(r)) {
      if (!breaks && r === '\n') e.putBreak();
      if (r === '\n') e.putBreak();
      else {
        e.out += r;
        e.column = 0;
      }
      e.indention = true;
      breaks = true;
    } else {
      if (breaks) e.writeIndent();
      if (isQuoted && r === "'") e.put("'");
      e.put(r);
      e.indention = false;
      spaces = breaks = false;
    }
  });
}

function writeSingleQuoted(e: Emitter, value: string, allowBreaks: boolean): void {
  e.writeIndicator("'", true, false, false);
  writeFolding(e, Array.from(value), allowBreaks, true);
  e.writeIndicator("'", false, false, false);
  e.whitespace = e.indention = false;
}

function writeDoubleQuoted(e: Emitter, value: string, allowBreaks: boolean): void {
  e.writeIndicator('"', true, false, false);
  const runes = Array.from(value);
  let spaces = false;
  runes.forEach((r, i) => {
    if (!isPrintable(r) || r === '\ufeff' || isBreak(r) || r === '"' || r === '\\') {
      const cp = r.codePointAt(0)!;
      const named = DOUBLE_ESCAPES[r];
      if (named) e.put(`\\${named}`);
      else if (cp <= 0xff) e.put(`\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`);
      else if (cp <= 0xffff) e.put(`\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`);
      else e.put(`\\U${cp.toString(16).toUpperCase().padStart(8, '0')}`);
      spaces = false;
    } else if (r === ' ') {
      if (allowBreaks && !spaces && e.column > BEST_WIDTH && i > 0 && i < runes.length - 1) {
        e.writeIndent();
        if (runes[i + 1] === ' ') e.put('\\');
      } else e.put(r);
      spaces = true;
    } else {
      e.put(r);
      spaces = false;
    }
  });
  e.writeIndicator('"', false, false, false);
  e.whitespace = e.indention = false;
}

function writeLiteral(e: Emitter, value: string): void {
  e.writeIndicator('|', true, false, false);
  if (value.startsWith(' ') || isBreak(value[0] ?? '')) e.writeIndicator(String(BEST_INDENT), false, false, false);
  const runes = Array.from(value);
  const last = runes.at(-1);
  const chomp = !last || !isBreak(last) ? '-' : runes.length === 1 || isBreak(runes.at(-2)!) ? '+' : '';
  if (chomp) e.writeIndicator(chomp, false, false, false);
  e.putBreak();
  e.indention = e.whitespace = true;
  let breaks = true;
  for (const r of runes) {
    if (isBreak(r)) {
      if (r === '\n') e.putBreak();
      else {
        e.out += r;
        e.column = 0;
      }
      e.indention = true;
      breaks = true;
    } else {
      if (breaks) e.writeIndent();
      e.put(r);
      e.indention = false;
      breaks = false;
    }
  }
}

/** yaml.Marshal of a Go value, as consul-template 0.20's yaml.v2 writes it (untrimmed). */
export function marshalYamlV2(value: GoValue): string {
  const e = new Emitter();
  emitNode(e, toNode(value), { inMapping: false, isSimpleKey: false });
  return `${e.out}\n`;
}
