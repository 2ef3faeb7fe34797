/**
 * Go regexp (RE2) patterns and replacement templates on top of JS RegExp: `(?P<name>…)`,
 * leading `(?i)`-style flags, `\A`/`\z`, POSIX classes, and `$1`/`${name}`/`$$` expansion.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Compiles a Go regexp; `extraFlags` adds JS flags (e.g. "g"). Throws on a bad pattern. */
export function compileGoRegexp(pattern: string, extraFlags: string): RegExp {
  let flags = extraFlags;
  let source = pattern;
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    if (leading[1]!.includes('U')) throw new Error(`error parsing regexp: unsupported flag U: \`${pattern}\``);
    flags += leading[1];
    source = source.slice(leading[0].length);
  }
  source = source
    .replaceAll('(?P<', '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, negate: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      return cls && !negate ? cls : whole;
    })
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\z/g, '(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new Error(`error parsing regexp: ${(err as Error).message}`);
  }
}

/** Go's Regexp.Expand over the arguments of a String.replace callback. */
export function expandGoTemplate(template: string, replaceArgs: unknown[]): string {
  const last = replaceArgs[replaceArgs.length - 1];
  const hasGroups = typeof last === 'object' && last !== null;
  const groups = (hasGroups ? last : {}) as Record<string, string | undefined>;
  const captures = replaceArgs.slice(0, replaceArgs.length - (hasGroups ? 3 : 2)) as (string | undefined)[];
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, _all: string, braced?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    if (/^[0-9]+$/.test(name)) return captures[Number(name)] ?? '';
    return groups[name] ?? '';
  });
}
