import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isEmpty } from '../../../src/template/functions/confd-fork.js';
import { goStruct } from '../../../src/template/functions/methods.js';
import { GoFloat, GoNil } from '../../../src/template/go/values.js';
import { findBinary } from '../../support/binaries.js';
import { renderGo } from './helpers.js';

/**
 * The confd fork's helpers (abtreece/confd 0.41, pkg/template/utility_funcs.go and
 * template_funcs.go). Each expected output is what that Go code gives: worked out from its
 * source; where the fork calls the same Go as sprig (json.Marshal, %q, regexp.FindString,
 * sha256, strings.Repeat, map/list building), `sprig` names the sprig spelling of the call, and
 * the last suite checks those against the real Go libraries (`gotmpl`) when it is on PATH.
 */
interface Case {
  readonly name: string;
  readonly template: string;
  readonly want?: string;
  /** A substring of the error, when the call must fail. */
  readonly error?: string;
  /** The same call through sprig (gotmpl), where sprig runs the same Go. */
  readonly sprig?: string;
}

const cases: readonly Case[] = [
  // default (dfault: val unless isEmpty(val)); exactly two arguments, the default first.
  { name: 'default: an empty string takes the default', template: '{{ default "d" "" }}', want: 'd', sprig: '{{ sprig_default "d" "" }}' },
  { name: 'default: piped', template: '{{ "" | default "d" }}', want: 'd' },
  { name: 'default: a set value stays', template: '{{ default "d" "x" }}', want: 'x', sprig: '{{ sprig_default "d" "x" }}' },
  { name: 'default: 0, false, 0.0 and nil are empty', template: '{{ default 1 0 }} {{ default 1 false }} {{ default 1 0.0 }} {{ default 1 nil }}', want: '1 1 1 1' },
  { name: 'default: an empty list or map is empty', template: '{{ default "d" (list) }} {{ default "d" (dict) }}', want: 'd d' },
  { name: 'default: a missing field is empty', template: '{{ default "d" .nope }}', want: 'd' },
  { name: 'default: takes exactly two arguments', template: '{{ default "d" }}', error: 'wrong number of args for default: want 2 got 1' },
  // ternary(trueVal, falseVal, condition bool)
  { name: 'ternary: true', template: '{{ ternary "y" "n" true }}', want: 'y', sprig: '{{ sprig_ternary "y" "n" true }}' },
  { name: 'ternary: the condition piped last', template: '{{ false | ternary "y" "n" }}', want: 'n' },
  { name: 'ternary: the condition must be a bool', template: '{{ ternary "y" "n" 1 }}', error: 'expected bool; found 1' },
  // coalesce: the first non-empty value, else nil ("<no value>")
  { name: 'coalesce: the first non-empty', template: '{{ coalesce "" 0 "z" "w" }}', want: 'z', sprig: '{{ sprig_coalesce "" 0 "z" "w" }}' },
  { name: 'coalesce: all empty is nil', template: '{{ coalesce "" 0 (list) }}', want: '<no value>', sprig: '{{ sprig_coalesce "" 0 (sprig_list) }}' },
  { name: 'coalesce: no arguments is nil', template: '{{ coalesce }}', want: '<no value>' },
  // empty (isEmpty)
  { name: 'empty: zero values', template: '{{ empty "" }} {{ empty 0 }} {{ empty false }} {{ empty nil }} {{ empty (list) }}', want: 'true true true true true' },
  { name: 'empty: datetime (a time.Time) is not', template: '{{ empty datetime }} {{ default "d" datetime | printf "%T" }}', want: 'false time.Time' },
  { name: 'empty: set values', template: '{{ empty " " }} {{ empty 1 }} {{ empty true }} {{ empty (list 0) }} {{ empty (dict "a" "") }}', want: 'false false false false false' },
  // JSON: json.Marshal (HTML-escaped, sorted keys), MarshalIndent(v, "", "  "), Unmarshal into interface{}
  {
    name: 'toJson: sorted keys, <>& escaped, floats in Go form',
    template: '{{ toJson (dict "b" 1 "a" (list "<x&>" 1.5 true nil 1e21)) }}',
    want: '{"a":["\\u003cx\\u0026\\u003e",1.5,true,null,1e+21],"b":1}',
    sprig: '{{ sprig_toJson (sprig_dict "b" 1 "a" (sprig_list "<x&>" 1.5 true nil 1e21)) }}',
  },
  { name: 'toJson: a string', template: '{{ toJson "é\\u2028\\t" }}', want: '"é\\u2028\\t"', sprig: '{{ sprig_toJson "é\\u2028\\t" }}' },
  {
    name: 'toPrettyJson: two-space indent, empty containers inline',
    template: '{{ toPrettyJson (dict "a" (list 1 2) "e" (dict) "l" (list)) }}',
    want: '{\n  "a": [\n    1,\n    2\n  ],\n  "e": {},\n  "l": []\n}',
    sprig: '{{ sprig_toPrettyJson (sprig_dict "a" (sprig_list 1 2) "e" (sprig_dict) "l" (sprig_list)) }}',
  },
  { name: 'fromJson: numbers are float64', template: '{{ $v := fromJson "{\\"n\\":1,\\"l\\":[1,\\"x\\"]}" }}{{ $v.n }} {{ index $v.l 1 }} {{ printf "%T" $v.n }}', want: '1 x float64' },
  { name: 'fromJson: any JSON value', template: '{{ fromJson "[1,2]" }} {{ fromJson "\\"s\\"" }} {{ fromJson "null" }}', want: '[1 2] s <no value>' },
  { name: 'fromJson: "" is an error', template: '{{ fromJson "" }}', error: 'error calling fromJson: unexpected end of JSON input' },
  { name: 'fromJson: bad JSON fails with Go\'s message', template: '{{ fromJson "{x" }}', error: "invalid character 'x' looking for beginning of object key string" },
  // nindent, quote (%q), squote ('' doubles a quote)
  { name: 'nindent: a newline, then every line padded', template: '{{ nindent 2 "a\\n\\nb" }}', want: '\n  a\n  \n  b', sprig: '{{ sprig_nindent 2 "a\\n\\nb" }}' },
  { name: 'nindent: of "" is a newline', template: '{{ nindent 2 "" }}', want: '\n' },
  { name: 'quote: Go %q', template: '{{ quote "a\\"b\\\\c\\né\\x01\\u00a0" }}', want: '"a\\"b\\\\c\\né\\x01\\u00a0"', sprig: '{{ sprig_quote "a\\"b\\\\c\\né\\x01\\u00a0" }}' },
  { name: 'quote: takes a string only', template: '{{ quote 1 }}', error: 'expected string; found 1' },
  { name: 'squote: inner quotes doubled', template: `{{ squote "it's" }}`, want: "'it''s'" },
  // regexFind, repeat (count first), nospace (unicode.IsSpace, rune by rune)
  { name: 'regexFind: the leftmost match', template: '{{ regexFind "[0-9]+" "ab12cd345" }}', want: '12', sprig: '{{ sprig_regexFind "[0-9]+" "ab12cd345" }}' },
  { name: 'regexFind: a bad pattern fails', template: '{{ regexFind "[a" "x" }}', error: 'error parsing regexp: missing closing ]: `[a`' },
  { name: 'repeat: count first', template: '{{ repeat 3 "ab" }}|{{ "-" | repeat 2 }}', want: 'ababab|--', sprig: '{{ sprig_repeat 3 "ab" }}|{{ "-" | sprig_repeat 2 }}' },
  { name: 'repeat: zero or a negative count is ""', template: '[{{ repeat 0 "ab" }}{{ repeat -2 "ab" }}]', want: '[]' },
  { name: 'nospace: every Unicode space, not U+200B', template: '{{ nospace " a\\tb\\n\\u00a0c\\u3000d\\u0085e\\u2028f\\u200bg " }}', want: 'abcdef\u200bg' },
  // snakecase, camelcase, kebabcase (splitWords)
  { name: 'snakecase: camel case', template: '{{ snakecase "myVarName" }}', want: 'my_var_name' },
  { name: 'snakecase: an acronym ends before its last capital', template: '{{ snakecase "HTTPServer" }} {{ snakecase "getHTTPResponseCode" }}', want: 'http_server get_http_response_code' },
  { name: 'snakecase: separators _ - and space collapse', template: '{{ snakecase "Hello World--foo__bar" }}', want: 'hello_world_foo_bar' },
  { name: 'snakecase: digits neither split nor join', template: '{{ snakecase "version2Alpha" }} {{ snakecase "ABC" }}', want: 'version2_alpha abc' },
  { name: 'snakecase: only separators is ""', template: '[{{ snakecase "__-" }}{{ snakecase "" }}]', want: '[]' },
  { name: 'camelcase: from snake, kebab and spaces', template: '{{ camelcase "http_server-name x" }}', want: 'httpServerNameX' },
  { name: 'camelcase: from an acronym', template: '{{ camelcase "HTTPServer" }}', want: 'httpServer' },
  { name: 'camelcase: Unicode letters', template: '{{ camelcase "ÉCOLE_été" }}', want: 'écoleÉté' },
  { name: 'kebabcase', template: '{{ kebabcase "myXMLParser" }} {{ kebabcase "a_b c" }}', want: 'my-xml-parser a-b-c' },
  // dict (CreateMap), list, hasKey, keys (sorted), values (by sorted key), append, pluck
  { name: 'dict: a map[string]interface {}', template: '{{ $d := dict "b" 1 "a" "x" }}{{ $d }} {{ printf "%T" $d }}', want: 'map[a:x b:1] map[string]interface {}' },
  { name: 'dict: an odd count fails', template: '{{ dict "a" }}', error: 'error calling dict: invalid map call' },
  { name: 'dict: keys must be strings', template: '{{ dict 1 2 }}', error: 'error calling dict: map keys must be strings' },
  { name: 'list: a []interface {}', template: '{{ list 1 "a" 2.5 }} {{ printf "%T" (list) }}', want: '[1 a 2.5] []interface {}', sprig: '{{ sprig_list 1 "a" 2.5 }} {{ printf "%T" (sprig_list) }}' },
  { name: 'hasKey', template: '{{ hasKey (dict "a" "") "a" }} {{ hasKey (dict "a" 1) "b" }}', want: 'true false', sprig: '{{ sprig_hasKey (sprig_dict "a" "") "a" }} {{ sprig_hasKey (sprig_dict "a" 1) "b" }}' },
  { name: 'keys: sorted by bytes, a []string', template: '{{ $k := keys (dict "b" 1 "a" 2 "B" 3) }}{{ $k }} {{ printf "%T" $k }}', want: '[B a b] []string' },
  { name: 'values: in key order', template: '{{ values (dict "b" 1 "a" 2 "c" 3) }}', want: '[2 1 3]' },
  { name: 'append: to a list or nil', template: '{{ append (list 1) "x" }} {{ append nil 1 }}', want: '[1 x] [1]' },
  { name: 'append: to a list, as sprig', template: '{{ append (list 1) "x" }}', want: '[1 x]', sprig: '{{ sprig_append (sprig_list 1) "x" }}' },
  { name: 'append: only to a []interface {}', template: '{{ append (split "a,b" ",") "c" }}', error: 'wrong type for value; expected []interface {}; got []string' },
  { name: 'pluck: the key from each map that has it', template: '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', want: '[1 3]', sprig: '{{ sprig_pluck "a" (sprig_dict "a" 1) (sprig_dict "b" 2) (sprig_dict "a" 3) }}' },
  // sha256sum; div and mod by zero
  { name: 'sha256sum', template: '{{ sha256sum "" }} {{ sha256sum "héllo" }}', want: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179', sprig: '{{ sprig_sha256sum "" }} {{ sprig_sha256sum "héllo" }}' },
  { name: 'div: by zero', template: '{{ div 1 0 }}', error: 'error calling div: division by zero' },
  { name: 'mod: by zero', template: '{{ mod 1 0 }}', error: 'error calling mod: modulo by zero' },
];

async function outcome(template: string): Promise<{ output?: string; error?: string }> {
  try {
    return { output: (await renderGo(template, 'confd')).output! };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('the confd fork\'s helpers (confd flavor)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const got = await outcome(c.template);
      if (c.error !== undefined) assert.ok(got.error?.includes(c.error), `${got.error ?? got.output} should fail with ${c.error}`);
      else assert.deepEqual(got, { output: c.want });
    });
  }

  it('the helpers exist in the consul-template flavor too, where it has no such name', async () => {
    assert.equal((await renderGo('{{ default "d" "" }} {{ keys (dict "b" 1 "a" 2) }} {{ snakecase "aB" }}', 'consul-template')).output, 'd [a b] a_b');
  });
});

describe('isEmpty (reflect kinds the templates cannot spell)', () => {
  const kvPair = (key: string, value: string) => goStruct('memkv.KVPair', { Key: key, Value: value });
  const table: readonly [string, Parameters<typeof isEmpty>[0], boolean][] = [
    ['a struct value with zero fields is empty (reflect.IsZero)', kvPair('', ''), true],
    ['a struct value with a set field is not', kvPair('/a', ''), false],
    ['a pointer to a struct is not empty', goStruct('*dependency.Secret', { Data: null }), false],
    ['a nil pointer is empty', new GoNil('*dependency.Secret'), true],
    ['float64 0 is empty', new GoFloat(0), true],
  ];
  for (const [name, value, want] of table) it(name, () => assert.equal(isEmpty(value), want));
});

describe('the fork\'s host functions', () => {
  it('hostname is what Go\'s os.Hostname reads (/proc/sys/kernel/hostname)', async () => {
    const kernel = readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
    assert.equal((await renderGo('{{ hostname }}', 'confd')).output, kernel);
  });

  it('lookupIfaceIPV4 and lookupIfaceIPV6 of the loopback interface', async () => {
    // /proc/net/if_inet6 lists lo's ::1 when the kernel has IPv6 on it.
    const hasV6 = existsSync('/proc/net/if_inet6') && /^0{31}1 .* lo$/m.test(readFileSync('/proc/net/if_inet6', 'utf8'));
    const { output } = await renderGo('{{ lookupIfaceIPV4 "lo" }}|{{ lookupIfaceIPV6 "lo" }}|{{ lookupIfaceIPV4 "nosuch0" }}|{{ lookupIfaceIPV6 "nosuch0" }}', 'confd');
    assert.equal(output, `127.0.0.1|${hasV6 ? '::1' : ''}||`);
  });
});

describe('the fork\'s helpers that run sprig\'s Go agree with gotmpl', () => {
  const gotmpl = findBinary('gotmpl', '', 'confd fork helpers vs gotmpl', 'put the reference renderer gotmpl on PATH (see docs)');
  const dir = mkdtempSync(join(tmpdir(), 'ctmpl-fork-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const c of cases.filter((x) => x.sprig !== undefined)) {
    it(c.name, { skip: gotmpl.skip }, () => {
      const file = join(dir, 't.tmpl');
      writeFileSync(file, c.sprig!);
      assert.equal(execFileSync(gotmpl.path!, [file], { encoding: 'utf8' }), c.want);
    });
  }
});
