/**
 * The names of consul-template's sprig_* and spew_* functions, without their implementations:
 * parsing needs only the names, so the implementations (sprig/index.ts) load when a template
 * uses one. SPRIG_NAMES is sprig 3.3.0's HermeticTxtFuncMap (every sprig v3 function but the
 * 17 that read the clock, randomness, env or DNS), as consul-template 0.41.1+ registers it.
 */
export const SPRIG_NAMES: readonly string[] = [
  'abbrev', 'abbrevboth', 'add', 'add1', 'add1f', 'addf', 'adler32sum', 'ago', 'all', 'any', 'append', 'atoi', 'b32dec', 'b32enc', 'b64dec',
  'b64enc', 'base', 'bcrypt', 'biggest', 'buildCustomCert', 'camelcase', 'cat', 'ceil', 'chunk', 'clean', 'coalesce', 'compact',
  'concat', 'contains', 'decryptAES', 'deepCopy', 'deepEqual', 'default', 'derivePassword', 'dict', 'dig', 'dir', 'div', 'divf',
  'duration', 'durationRound', 'empty', 'encryptAES', 'ext', 'fail', 'first', 'float64', 'floor', 'fromJson', 'genCA',
  'genCAWithKey', 'genPrivateKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert',
  'genSignedCertWithKey', 'get', 'has', 'hasKey', 'hasPrefix', 'hasSuffix', 'hello', 'htpasswd', 'indent', 'initial', 'initials',
  'int', 'int64', 'isAbs', 'join', 'kebabcase', 'keys', 'kindIs', 'kindOf', 'last', 'list', 'lower', 'max', 'maxf', 'merge', 'mergeOverwrite',
  'min', 'minf', 'mod', 'mul', 'mulf', 'mustAppend', 'mustChunk', 'mustCompact', 'mustDateModify', 'mustDeepCopy', 'mustFirst',
  'mustFromJson', 'mustHas', 'mustInitial', 'mustLast', 'mustMerge', 'mustMergeOverwrite', 'mustPrepend', 'mustPush',
  'mustRegexFind', 'mustRegexFindAll', 'mustRegexMatch', 'mustRegexReplaceAll', 'mustRegexReplaceAllLiteral',
  'mustRegexSplit', 'mustRest', 'mustReverse', 'mustSlice', 'mustToDate', 'mustToJson', 'mustToPrettyJson',
  'mustToRawJson', 'mustUniq', 'mustWithout', 'must_date_modify', 'nindent', 'nospace', 'omit', 'osBase', 'osClean', 'osDir',
  'osExt', 'osIsAbs', 'pick', 'pluck', 'plural', 'prepend', 'push', 'quote', 'randInt', 'regexFind', 'regexFindAll', 'regexMatch',
  'regexQuoteMeta', 'regexReplaceAll', 'regexReplaceAllLiteral', 'regexSplit', 'repeat', 'replace', 'rest', 'reverse',
  'round', 'semver', 'semverCompare', 'seq', 'set', 'sha1sum', 'sha256sum', 'sha512sum', 'shuffle', 'slice', 'snakecase',
  'sortAlpha', 'split', 'splitList', 'splitn', 'squote', 'sub', 'subf', 'substr', 'swapcase', 'ternary', 'title', 'toDate', 'toDecimal',
  'toJson', 'toPrettyJson', 'toRawJson', 'toString', 'toStrings', 'trim', 'trimAll', 'trimPrefix', 'trimSuffix', 'trimall',
  'trunc', 'tuple', 'typeIs', 'typeIsLike', 'typeOf', 'uniq', 'unixEpoch', 'unset', 'until', 'untilStep', 'untitle', 'upper', 'urlJoin',
  'urlParse', 'values', 'without', 'wrap', 'wrapWith',];

/** consul-template's go-spew wrappers. */
export const SPEW_NAMES: readonly string[] = ['spew_dump', 'spew_printf', 'spew_sdump', 'spew_sprintf'];

/** Every prefixed name: `sprig_<name>` and the spew_* ones. */
export const PREFIXED_NAMES: readonly string[] = [...SPRIG_NAMES.map((name) => `sprig_${name}`), ...SPEW_NAMES];

/** Whether a template's text may call one of them (a cheap over-approximation of its calls). */
export function mentionsSprig(text: string): boolean {
  return text.includes('sprig_') || text.includes('spew_');
}
