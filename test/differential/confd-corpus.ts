/**
 * The generated confd corpus: each case is a random data tree (under its own resource prefix)
 * and a template mixing confd's functions over that data with Go template features.
 */
import { goFeatureSnippet, literal, type Builders } from './go-features.js';
import { flattenTree, Random, randomTree, type Data } from './random.js';

export interface ConfdCase {
  readonly name: string;
  readonly data: { readonly [key: string]: Data };
  readonly template: string;
}

const q = (s: string) => JSON.stringify(s);

const confdBuilders: Builders = {
  map: (pairs) => `(map ${pairs.join(' ')})`,
  list: (items) => (items.length === 0 ? '(split "" "x" | reverse | sortByLength)' : `(split ${q(items.map((i) => i.replace(/^"|"$/g, '')).join(','))} ",")`),
};

interface Keys {
  readonly leaves: readonly string[];
  readonly dirs: readonly string[];
}

function keysOf(data: { readonly [key: string]: Data }): Keys {
  const leaves = [...flattenTree(data).keys()];
  const dirs = new Set<string>(['/']);
  for (const leaf of leaves) {
    const parts = leaf.split('/');
    for (let i = 2; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return { leaves, dirs: [...dirs] };
}

type Snippet = (r: Random, k: Keys) => string;

const leaf = (r: Random, k: Keys) => (k.leaves.length > 0 && r.chance(0.85) ? r.pick(k.leaves) : r.pick(['/missing', '/a/missing', '/']));
const dir = (r: Random, k: Keys) => (r.chance(0.9) ? r.pick(k.dirs) : r.pick(['/nope', '/a/', '']));
const pattern = (r: Random, k: Keys) =>
  r.pick([() => `${r.pick(k.dirs).replace(/\/$/, '')}/*`, () => '/*', () => '/*/*', () => `${r.pick(k.dirs)}/?`, () => '/[a-n]*', () => '/*/0', () => '/[', () => r.pick(k.leaves) ?? '/'])();

const snippets: readonly Snippet[] = [
  (r, k) => `{{ getv ${q(leaf(r, k))} }}`,
  (r, k) => `{{ getv ${q(leaf(r, k))} ${q(r.pick(['default', '', 'ü']))} }}`,
  (r, k) => `{{ exists ${q(leaf(r, k))} }} {{ if exists ${q(leaf(r, k))} }}here{{ end }}`,
  (r, k) => `{{ with get ${q(leaf(r, k))} }}{{ .Key }}={{ .Value }}{{ end }}`,
  (r, k) => `{{ get ${q(leaf(r, k))} }}`,
  (r, k) => `{{ range gets ${q(pattern(r, k))} }}{{ .Key }}={{ .Value }}
{{ end }}`,
  (r, k) => `{{ range $i, $v := getvs ${q(pattern(r, k))} }}{{ $i }}:{{ $v }} {{ end }}`,
  (r, k) => `{{ gets ${q(pattern(r, k))} }} {{ getvs ${q(pattern(r, k))} }}`,
  (r, k) => `{{ ls ${q(dir(r, k))} }} {{ lsdir ${q(dir(r, k))} }}`,
  (r, k) => `{{ range lsdir ${q(dir(r, k))} }}[{{ . }}: {{ ls (printf "%s/%s" ${q(dir(r, k))} .) }}]{{ end }}`,
  (r, k) => `{{ range gets ${q(pattern(r, k))} }}{{ base .Key }} {{ dir .Key }} {{ toUpper .Value }} {{ toLower .Value }}
{{ end }}`,
  (r, k) => `{{ join (split (getv ${q(leaf(r, k))} "") ${q(r.pick([',', '', ' ', 'l']))}) ${q(r.pick(['-', '', ', ']))} }}`,
  (r, k) => `{{ split (getv ${q(leaf(r, k))} "a,b") ${q(r.pick([',', '', 'a']))} }}`,
  (r, k) => `{{ range split (getv ${q(leaf(r, k))} "é😀") "" }}[{{ . }}]{{ end }} {{ len (split ${q(r.pick(['😀😀', 'ǆ', '']))} "") }}`,
  (r, k) => `{{ ${r.pick(['toUpper', 'toLower'])} (getv ${q(leaf(r, k))} ${q(r.pick(['ǆ', 'İ', 'ß', 'ᾳ']))}) }}`,
  (r, k) => `{{ range gets ${q(pattern(r, k))} }}{{ .Key }}={{ .Value }} {{ end }}`,
  (r, k) => `{{ contains (getv ${q(leaf(r, k))} "") ${q(r.pick(['a', '', '1', 'ü']))} }} {{ trimSuffix (getv ${q(leaf(r, k))} "") ${q(r.pick(['a', 'e', '']))} }}`,
  (r, k) => `{{ replace (getv ${q(leaf(r, k))} "aaa") ${q(r.pick(['a', '', 'l']))} ${q(r.pick(['X', '']))} ${r.int(-1, 2)} }}`,
  (r, k) => `{{ base64Encode (getv ${q(leaf(r, k))} "") }} {{ base64Decode ${q(r.pick(['aGVsbG8=', 'QUJD', 'bad!', '', 'aGk']))} }}`,
  (r, _k) => `{{ parseBool ${q(r.pick(['true', '1', 'F', 'TRUE', 'yes', '', 'tRUE']))} }}`,
  (r) => `{{ atoi ${q(r.pick(['42', '-7', '007', '+3', '1e3', 'x', '', '9223372036854775807', '9223372036854775808']))} }}`,
  (r) => `{{ ${r.pick(['add', 'sub', 'mul', 'div', 'mod'])} ${r.int(-9, 9)} ${r.int(-3, 3)} }}`,
  (r) => `{{ seq ${r.int(-2, 3)} ${r.int(-1, 5)} }} {{ range seq 1 ${r.int(0, 3)} }}{{ . }}{{ end }}`,
  (r) => `{{ $j := json ${q(r.pick(['{"a":1,"b":"x","c":[1,2.5,"y"],"d":{"e":null}}', '{"n":1e21,"m":0.1}', '{}', '[1]', 'nope', '{"a":true}']))} }}{{ $j }} {{ $j.a }} {{ index $j "b" }}`,
  (r) => `{{ range jsonArray ${q(r.pick(['[1,"a",2.5,true,null,{"k":"v"}]', '[]', '{"a":1}', '["x","y"]', '[1e100]']))} }}{{ . }},{{ end }}`,
  (r, k) => `{{ range reverse (getvs ${q(pattern(r, k))}) }}{{ . }} {{ end }}|{{ range sortByLength (getvs ${q(pattern(r, k))}) }}{{ . }} {{ end }}`,
  (r, k) => `{{ range sortKVByLength (gets ${q(pattern(r, k))}) }}{{ .Key }} {{ end }}{{ range reverse (gets ${q(pattern(r, k))}) }}{{ .Value }} {{ end }}`,
  (r) => `{{ getenv "DIFF_SET" }} {{ getenv "DIFF_UNSET" ${q(r.pick(['dflt', '']))} }} {{ getenv "DIFF_UNSET" }}`,
  (r) => `{{ fileExists ${q(r.pick(['/', '/nonexistent/file', '/etc']))} }}`,
  (r, k) => `{{ $m := map "a" (getv ${q(leaf(r, k))} "") "n" ${literal(r)} }}{{ $m }} {{ index $m "a" }} {{ index $m "zz" }} {{ $m.zz }}`,
  (r) => `{{ map ${literal(r)} 1 }}`,
  (_r) => `{{ map "a" }}`,
  (r, k) => `{{ with $kv := get ${q(leaf(r, k))} }}{{ printf "%v|%+v|%T" $kv $kv $kv }}{{ end }}`,
  (r, k) => `{{ printf "%v %T %d" (gets ${q(pattern(r, k))}) (getvs ${q(pattern(r, k))}) (len (ls ${q(dir(r, k))})) }}`,
  (r) => `{{ ${r.pick(['add', 'mul'])} ${q('1')} 2 }}`,
  (r, k) => `{{ index (getvs ${q(pattern(r, k))}) ${r.int(0, 2)} }}`,
  (_r) => `{{ nosuchfunc 1 }}`,
  (r) => `{{ ${r.pick(['getv', 'split', 'join', 'map'])} }}`,
];

/** A random confd template over the keys of one data tree. */
function randomTemplate(r: Random, k: Keys): string {
  const parts: string[] = [];
  const count = r.int(1, 3);
  for (let i = 0; i < count; i++) {
    parts.push(r.chance(0.3) ? goFeatureSnippet(r, confdBuilders) : r.pick(snippets)(r, k));
  }
  return `${parts.join(r.pick(['\n', ' ', '\n\n']))}${r.chance(0.8) ? '\n' : ''}`;
}

/** `count` confd cases from `seed`, named c0000, c0001… (same width: confd prefixes match by string). */
export function confdCorpus(seed: number, count: number): ConfdCase[] {
  const r = new Random(seed);
  return Array.from({ length: count }, (_, i) => {
    const data = randomTree(r, 3, true);
    return { name: `c${String(i).padStart(4, '0')}`, data, template: randomTemplate(r, keysOf(data)) };
  });
}
