/**
 * The generated consul-template corpus: each case has KV data under `d/<name>/` in a real
 * Consul and a template mixing consul-template 0.20's functions (KV, services, helpers, math)
 * with Go template features. `key` is only asked for keys that exist: consul-template waits
 * forever for a missing one in -once mode.
 */
import { goFeatureSnippet, literal, type Builders } from './go-features.js';
import { flattenTree, Random, RawScalar, randomJson, randomTree } from './random.js';

export interface ConsulCase {
  readonly name: string;
  /** Consul KV: full key → value. */
  readonly kv: ReadonlyMap<string, string>;
  readonly template: string;
}

const q = (s: string) => JSON.stringify(s);

/** A Go literal as JSON (for parseJSON): runes and based integers become their numbers. */
function literalJson(lit: string): string {
  if (lit.startsWith('"') || lit === 'true' || lit === 'false') return lit;
  if (lit.startsWith("'")) return String(lit.codePointAt(1));
  const text = lit.replaceAll('_', '');
  if (/^-?0[xob]/i.test(text)) return String(Number(text));
  return String(Number(text));
}

const consulBuilders: Builders = {
  map: (pairs) => {
    const entries: string[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) entries.push(`${literalJson(pairs[i]!)}:${literalJson(pairs[i + 1]!)}`);
    return `(parseJSON ${q(`{${entries.join(',')}}`)})`;
  },
  list: (items) => `(parseJSON ${q(`[${items.map(literalJson).join(',')}]`)})`,
};

interface Keys {
  readonly base: string;
  readonly leaves: readonly string[];
  readonly dirs: readonly string[];
}

type Snippet = (r: Random, k: Keys) => string;

const existing = (r: Random, k: Keys) => r.pick(k.leaves);
const anyKey = (r: Random, k: Keys) => (r.chance(0.7) ? r.pick(k.leaves) : `${k.base}/${r.pick(['missing', 'a/missing', 'x'])}`);
const dir = (r: Random, k: Keys) => (r.chance(0.9) ? r.pick(k.dirs) : `${k.base}/nope`);
const SERVICE = ['web', 'db', 'cache', 'web|any', 'cache|any', 'cache|critical', 'web|passing,warning', 'prod.web', 'nosuch'];

const snippets: readonly Snippet[] = [
  (r, k) => `{{ key ${q(existing(r, k))} }}`,
  (r, k) => `{{ keyExists ${q(anyKey(r, k))} }} {{ keyOrDefault ${q(anyKey(r, k))} ${q(r.pick(['dflt', '', 'ü']))} }}`,
  (r, k) => `{{ range ls ${q(dir(r, k))} }}{{ .Key }}={{ .Value }};{{ end }}`,
  (r, k) => `{{ range tree ${q(dir(r, k))} }}{{ .Key }} {{ .Path }} {{ .Value }}
{{ end }}`,
  (r, k) => `{{ range ${r.pick(['ls', 'tree'])} ${q(dir(r, k))} }}{{ . }} {{ printf "%+v|%T|%d|%T" . . .CreateIndex .Flags }}
{{ end }}`,
  (r, k) => `{{ range $i, $p := ${r.pick(['ls', 'tree'])} ${q(dir(r, k))} }}{{ if eq $i 0 }}{{ .ModifyIndex }} {{ .LockIndex }} {{ .Session }} {{ printf "%v %x" .CreateIndex .Flags }}{{ end }}{{ end }}`,
  (r, k) => `{{ explode (tree ${q(dir(r, k))}) }}`,
  (r, k) => `{{ $e := explode (tree ${q(dir(r, k))}) }}{{ toJSON $e }} {{ index $e "nope" }} {{ range $k, $v := $e }}{{ $k }}={{ $v }} {{ end }}`,
  (r, k) => `{{ range $key, $pairs := tree ${q(dir(r, k))} | byKey }}{{ $key }}:{{ range $pairs }}{{ .Key }},{{ end }} {{ end }}`,
  (r, k) => `{{ $b := byKey (tree ${q(dir(r, k))}) }}{{ printf "%T" $b }} {{ index $b "nope" }} {{ len $b }}`,
  (r, k) => `{{ split ${q(r.pick([',', '', 'l', '/']))} (keyOrDefault ${q(anyKey(r, k))} "a,b") }} {{ join ${q(r.pick(['-', '']))} (split "," (keyOrDefault ${q(anyKey(r, k))} "")) }}`,
  (r, k) => `{{ contains ${q(r.pick(['a', '', 'x']))} (split "," (keyOrDefault ${q(anyKey(r, k))} "a,x")) }} {{ in (split "," "a,b") ${q(r.pick(['a', 'c']))} }} {{ in "abc" ${q(r.pick(['b', 'z']))} }}`,
  (r) => `{{ ${r.pick(['containsAll', 'containsAny', 'containsNone', 'containsNotAll'])} (split "," ${q(r.pick(['a,b', 'b', '']))}) (split "," ${q(r.pick(['a,b,c', 'c', '']))}) }}`,
  (r, k) => `{{ keyOrDefault ${q(anyKey(r, k))} "x y" | ${r.pick(['toUpper', 'toLower', 'toTitle', 'trimSpace', 'base64Encode', 'base64URLEncode'])} }}`,
  (r, k) => `{{ indent ${r.int(0, 3)} (keyOrDefault ${q(anyKey(r, k))} "a\\nb") }}`,
  (r, k) => `{{ replaceAll ${q(r.pick(['a', 'l', '']))} ${q(r.pick(['X', '']))} (keyOrDefault ${q(anyKey(r, k))} "banana") }}`,
  (r, k) => `{{ regexMatch ${q(r.pick(['^a', '[0-9]+', '(', '^$']))} (keyOrDefault ${q(anyKey(r, k))} "") }} {{ regexReplaceAll ${q(r.pick(['[aeiou]', '(\\\\w+)', '^']))} ${q(r.pick(['_', '<$1>', '']))} (keyOrDefault ${q(anyKey(r, k))} "hello world") }}`,
  (r) => `{{ parseBool ${q(r.pick(['true', '1', 'F', 'yes', '', 'T']))} }}`,
  (r) => `{{ ${r.pick(['parseInt', 'parseUint', 'parseFloat'])} ${q(r.pick(['42', '-7', '0x1F', '3.5', '1e3', '', 'x', '18446744073709551615', '9223372036854775807']))} | printf "%v %T" }}`,
  (r) => `{{ ${r.pick(['add', 'subtract', 'multiply', 'divide', 'modulo'])} ${r.pick(['2', '-3', '1.5', '0', '(parseInt "7")', '(parseUint "7")', '(parseFloat "2.5")'])} ${r.pick(['10', '4', '2.5', '0', '(parseInt "-4")', '(parseUint "3")', '"x"'])} | printf "%v %T" }}`,
  (r) => `{{ $j := parseJSON ${q(r.pick(['{"a":1,"b":"x","c":[1,2.5,"y"],"d":{"e":null}}', '[1,"a",true,null]', '"str"', '12', 'nope', '{"n":1e21,"m":0.1,"big":12345678901234567890}']))} }}{{ $j }} {{ printf "%T" $j }}`,
  (r) => `{{ ${r.pick(['toJSON', 'toJSONPretty', 'toYAML', 'toTOML'])} (parseJSON ${q(r.pick(['{"a":1,"b":"x","c":[1,2.5,"y"],"d":{"e":null}}', '{}', '{"z":true,"a":{"b":{"c":"ü <&>"}}}', '{"list":[{"a":1},{"b":2}]}', '{"f":1.5e300,"i":-0}']))}) }}`,
  (r) => `{{ toJSON ${r.pick(['"x<y>&"', '1', '(split "," "a,b")', 'nil', '(parseJSON "[1.0,2]")'])} }}`,
  (r) => `{{ ${r.pick(['toYAML', 'toTOML'])} (parseJSON ${q(JSON.stringify(Object.fromEntries(Array.from({ length: r.int(1, 4) }, (_, i) => [String(i), randomJson(r, 3)]))))}) }}`,
  (r) => `{{ ${r.pick(['toUpper', 'toLower', 'toTitle'])} ${q(r.pick(['ǆemal ǉubljana', 'İstanbul', 'straße', 'ᾳ ᾗ', 'ﬁnal', 'ა ბ', '𐐨𐐩', 'a\u00a0b c«d', 'x\u2003y', 'ǅ']))} }}`,
  (r, k) => `{{ range split "" (keyOrDefault ${q(anyKey(r, k))} ${q(r.pick(['é😀', 'ключ', '']))}) }}[{{ . }}]{{ end }} {{ len (split "" ${q(r.pick(['😀😀', 'ǆ', '']))}) }}`,
  (r) => `{{ base64Decode ${q(r.pick(['aGVsbG8=', 'QUJD', 'bad!', '']))} }} {{ base64URLDecode ${q(r.pick(['aGk_', 'aGk-', 'YQ==', 'YQ']))} }}`,
  (r) => `{{ range loop ${r.pick(['3', '1 4', '0', '5 2', '(parseInt "2")'])} }}{{ . }},{{ end }} {{ range $i := loop 2 }}{{ printf "%T" $i }}{{ end }}`,
  (r) => `{{ scratch.Set "a" ${literal(r)} }}{{ scratch.Get "a" }} {{ scratch.Key "a" }} {{ scratch.Key "b" }} {{ scratch.SetX "a" 2 }}{{ scratch.Get "a" }} {{ scratch.MapSet "m" "k" 1 }}{{ scratch.MapValues "m" }} {{ scratch.Get "none" }}`,
  (r) => `{{ env "DIFF_SET" }} {{ env ${q(r.pick(['DIFF_UNSET', 'DIFF_SET']))} }}`,
  (r) => `{{ define "x" }}[{{ . }}]{{ end }}{{ executeTemplate "x" ${literal(r)} }} {{ executeTemplate "x" }}`,
  (r) => `{{ range service ${q(r.pick(SERVICE))} }}{{ .ID }} {{ .Name }} {{ .Address }} {{ .Port }} {{ .Tags }} {{ .Status }} {{ .ServiceMeta }} {{ .NodeMeta }} {{ .NodeAddress }};{{ end }}`,
  (r) => `{{ range service ${q(r.pick(SERVICE))} }}{{ . }}
{{ printf "%+v" . }}
{{ end }}`,
  (r) => `{{ range service ${q(r.pick(SERVICE))} }}{{ index .ServiceMeta ${q(r.pick(['version', 'nope']))} }}|{{ .ServiceMeta.nope }}|{{ index .NodeTaggedAddresses "lan" }}|{{ printf "%T %T %T %T" .Tags .ServiceMeta .Port .Checks }}|{{ range .Checks }}{{ .Name }} {{ .Status }} {{ printf "%T" . }};{{ end }}{{ end }}`,
  (_r) => `{{ range services }}{{ .Name }}:{{ .Tags }}{{ printf "%T" .Tags }} {{ end }} {{ services }}`,
  (r) => `{{ range $tag, $s := service ${q(r.pick(['web', 'db', 'web|any']))} | byTag }}{{ $tag }}={{ range $s }}{{ .ID }} {{ end }}{{ end }} {{ printf "%T" (service "web" | byTag) }}`,
  (_r) => `{{ with node }}{{ .Node.Node }} {{ .Node.Address }} {{ .Node.Datacenter }} {{ .Node.TaggedAddresses }} {{ .Node.Meta }} {{ range .Services }}{{ .ID }}:{{ .Service }}:{{ .Port }}:{{ .Tags }}:{{ .Meta }} {{ end }}{{ end }}`,
  (_r) => `{{ with node }}{{ . }} {{ printf "%+v" .Node }} {{ range .Services }}{{ printf "%+v" . }} {{ end }}{{ end }}`,
  (_r) => `{{ range nodes }}{{ . }} {{ .Node }} {{ .Address }} {{ printf "%T %v" .Meta .TaggedAddresses }}{{ end }} {{ datacenters }}`,
  (r) => `{{ range service ${q(r.pick(SERVICE))} }}{{ if .Tags | contains "prod" }}prod {{ end }}{{ join "," .Tags }} {{ in .Tags "v1" }}{{ end }}`,
];

/** A random consul-template template over one case's keys. */
function randomTemplate(r: Random, k: Keys): string {
  const parts: string[] = [];
  const count = r.int(1, 3);
  for (let i = 0; i < count; i++) parts.push(r.chance(0.3) ? goFeatureSnippet(r, consulBuilders) : r.pick(snippets)(r, k));
  return `${parts.join(r.pick(['\n', ' ', '\n\n']))}${r.chance(0.8) ? '\n' : ''}`;
}

/** `count` consul-template cases from `seed`, named k0000, k0001…, each with KV under d/<name>/. */
export function consulCorpus(seed: number, count: number): ConsulCase[] {
  const r = new Random(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = `k${String(i).padStart(4, '0')}`;
    const base = `d/${name}`;
    const kv = new Map<string, string>([[`${base}/k`, 'v']]);
    for (const [path, value] of flattenTree(randomTree(r, 3, false), base)) {
      kv.set(path, value instanceof RawScalar ? value.text : (value as string));
    }
    const dirs = new Set<string>([base]);
    for (const key of kv.keys()) {
      const parts = key.split('/');
      for (let j = 3; j < parts.length; j++) dirs.add(parts.slice(0, j).join('/'));
    }
    return { name, kv, template: randomTemplate(r, { base, leaves: [...kv.keys()], dirs: [...dirs] }) };
  });
}
