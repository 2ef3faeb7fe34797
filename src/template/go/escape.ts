/** The escaping builtins html, js and urlquery, on the Sprint text of their arguments. */
import { sprint } from './print.js';
import type { GoValue } from './values.js';

/** Go's evalArgs: Sprint of the arguments, with nil shown as `<no value>`. */
function evalArgs(args: readonly GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;',
};

export function html(...args: GoValue[]): string {
  return evalArgs(args).replace(/["'&<>]/g, (c) => HTML_ESCAPES[c] ?? c);
}

const JS_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
};
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

export function js(...args: GoValue[]): string {
  return evalArgs(args).replace(/[\\'"<>&=\x00-\x1f]|[^\x00-\x7f]/gu, (c) => {
    const simple = JS_ESCAPES[c];
    if (simple) return simple;
    const cp = c.codePointAt(0) ?? 0;
    if (cp < 0x20) return '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    return PRINTABLE.test(c) ? c : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  });
}

/** url.QueryEscape: unreserved bytes kept, space as '+', everything else %XX. */
export function urlquery(...args: GoValue[]): string {
  let out = '';
  for (const byte of Buffer.from(evalArgs(args), 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
