/**
 * Snippets of Go text/template that need no data: actions, pipelines, variables, control
 * structures, trimming, comparisons, printf verbs and printing of maps, slices and nil. Both
 * corpora mix them into their templates; `map` (confd) or `parseJSON` (consul-template) builds
 * composite values, named by `Builders`.
 */
import type { Random } from './random.js';

export interface Builders {
  /** An expression giving a map[string]interface{} from alternating key/value operands. */
  map(pairs: readonly string[]): string;
  /** An expression giving a []interface{} / []string of these Go literals. */
  list(items: readonly string[]): string;
}

const LITERALS = ['"a"', '"B"', '""', '"ключ"', '"日本"', '"😀"', '"ǆ"', '"İ"', '"ß"', '"ᾳ"', '0', '1', '-2', '42', '3.5', '1e3', '0x1F', "'a'", 'true', 'false', '1.0', '-0.25', '0o17', '0b101', '1_000'];
const VERBS = ['%v', '%s', '%q', '%d', '%5d', '%-5d|', '%05d', '%x', '%X', '%o', '%b', '%e', '%f', '%.2f', '%8.3f', '%g', '%t', '%c', '%U', '%T', '%+v', '%#v', '%%', '%10s|', '%-10s|', '%.1s', '%+d', '% d', '%#x', '%x', '%q', '%v %v', '%d %d', '%!', '%z', '%[2]v %[1]v', '%*d'];

export function literal(rng: Random): string {
  return rng.pick(LITERALS);
}

type Snippet = (rng: Random, b: Builders) => string;

const snippets: readonly Snippet[] = [
  (r) => `{{ printf ${JSON.stringify(r.pick(VERBS))} ${literal(r)} }}`,
  (r) => `{{ printf ${JSON.stringify(r.pick(VERBS))} ${literal(r)} ${literal(r)} }}`,
  (r, b) => `{{ printf ${JSON.stringify(r.pick(VERBS))} ${b.list([literal(r), literal(r)])} }}`,
  (r, b) => `{{ printf ${JSON.stringify(r.pick(VERBS))} ${b.map(['"k"', literal(r), '"a"', literal(r)])} }}`,
  (r) => `{{ print ${literal(r)} ${literal(r)} ${literal(r)} }}`,
  (r) => `{{ println ${literal(r)} ${literal(r)} }}`,
  (_r) => `{{ print nil }} {{ printf "%v" nil }} {{ println nil 1 }}`,
  (r, b) => `{{ print ${b.map(['"z"', literal(r), '"a"', literal(r), '"M"', literal(r)])} }}`,
  (r, b) => `{{ ${b.list([literal(r), literal(r), literal(r)])} }}`,
  (r, b) => `{{ index ${b.map(['"a"', literal(r)])} ${r.pick(['"a"', '"missing"', '""'])} }}`,
  (r, b) => `{{ $m := ${b.map(['"x"', literal(r)])} }}{{ $m.x }}|{{ $m.nope }}|{{ len $m }}`,
  (r, b) => `{{ range $i, $v := ${b.list([literal(r), literal(r), literal(r)])} }}{{ $i }}={{ $v }};{{ else }}empty{{ end }}`,
  (r, b) => `{{ range $k, $v := ${b.map(['"b"', literal(r), '"a"', literal(r)])} }}{{ $k }}:{{ $v }} {{ end }}`,
  (r, b) => `{{ range ${b.list([literal(r), literal(r), literal(r), literal(r)])} }}{{ if eq (printf "%v" .) "1" }}{{ continue }}{{ end }}{{ if eq (printf "%v" .) "true" }}{{ break }}{{ end }}[{{ . }}]{{ end }}`,
  (r) => `{{ if ${cmp(r)} }}yes{{ else if ${cmp(r)} }}elif{{ else }}no{{ end }}`,
  (r) => `{{ ${r.pick(['and', 'or'])} ${literal(r)} ${literal(r)} }} {{ not ${literal(r)} }}`,
  (r) => `{{ with ${literal(r)} }}with={{ . }}{{ else }}without{{ end }}`,
  (r) => `{{ $x := ${literal(r)} }}{{ $x = ${literal(r)} }}{{ $x }} {{ $ }}`,
  (r) => `{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" ${literal(r)} }}{{ block "b" ${literal(r)} }}<{{ . }}>{{ end }}`,
  (r) => `a  {{- ${literal(r)} -}}  b {{- /* comment */ -}}
  c {{ "x" }}   {{- "y" }}`,
  (r) => `{{ len ${r.pick(['"abc"', '"ключ"', '""', '"😀"'])} }} {{ slice "abcdef" ${r.int(0, 2)} ${r.int(2, 6)} }} {{ index "abc" ${r.int(0, 2)} }}`,
  (r) => `{{ html ${JSON.stringify(r.pick(['<a href="x">&</a>', "it's", 'plain']))} }} {{ js ${JSON.stringify(r.pick(["a'b\"c", '<script>', 'ü\\n']))} }} {{ urlquery ${JSON.stringify(r.pick(['a b&c=d', 'ü/?#', '']))} }}`,
  (r) => `{{ ${r.pick(['"abc" | printf "%q"', '1 | printf "%d-%d" 2', '"x" | len', '(print 1 2) | printf "%s!"', 'printf "%v" (len "abc")'])} }}`,
  (r) => `{{ ${r.pick(['lt', 'le', 'gt', 'ge', 'eq', 'ne'])} ${sameKind(r)} }}`,
  (r) => `{{ eq ${literal(r)} ${literal(r)} ${literal(r)} }}`,
  (r) => `{{ ${r.pick(['1', '"s"', 'true', '3.5', '0x10', '1e2', "'x'", '-0', '00', '07'])} }}`,
  (_r, b) => `{{ range $i, $e := ${b.list([])} }}{{ $i }}{{ else }}none{{ end }}{{ with ${b.list([])} }}x{{ else }}empty{{ end }}`,
  (r, b) => `{{ len ${b.list([literal(r), literal(r)])} }} {{ index ${b.list([literal(r), literal(r)])} ${r.int(0, 2)} }}`,
  (r, b) => `{{ slice ${b.list([literal(r), literal(r), literal(r)])} ${r.int(0, 1)} ${r.int(1, 3)} }}`,
];

function cmp(r: Random): string {
  return `${r.pick(['eq', 'ne', 'lt', 'gt'])} ${sameKind(r)}`;
}

function sameKind(r: Random): string {
  return r.pick([
    () => `${r.int(-3, 3)} ${r.int(-3, 3)}`,
    () => `${JSON.stringify(r.pick(['a', 'b', 'ü', '']))} ${JSON.stringify(r.pick(['a', 'b', 'ü', '']))}`,
    () => `${r.pick(['1.5', '2.0', '-1.5'])} ${r.pick(['1.5', '2.5'])}`,
    () => `${literal(r)} ${literal(r)}`,
  ])();
}

/** A random Go-feature snippet (may fail in the peer; then ctmpl must fail too). */
export function goFeatureSnippet(rng: Random, builders: Builders): string {
  return rng.pick(snippets)(rng, builders);
}
