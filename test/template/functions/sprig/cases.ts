/**
 * Named templates over every deterministic sprig_* function (and spew_sdump, spew_sprintf),
 * rendered by ctmpl and by the reference (`gotmpl`: Go's text/template with sprig 3.2.3);
 * test/fixtures/sprig/expected.json holds the reference's output for each, recorded with
 * scripts/record-sprig-fixtures.mjs. A case the reference fails on records `{ error }`.
 */
export interface SprigCase {
  readonly name: string;
  readonly template: string;
}

const c = (name: string, template: string): SprigCase => ({ name, template });

export const SPRIG_CASES: readonly SprigCase[] = [
  // strings
  c('hello', '{{ sprig_hello }}'),
  c('abbrev', '{{ sprig_abbrev 5 "hello world" }}|{{ sprig_abbrev 3 "hello" }}|{{ sprig_abbrev 20 "short" }}'),
  c('abbrevboth', '{{ sprig_abbrevboth 5 10 "1234 5678 9123 4567" }}|{{ sprig_abbrevboth 0 4 "abcdefgh" }}'),
  c('trunc', '{{ sprig_trunc 5 "hello world" }}|{{ sprig_trunc -5 "hello world" }}|{{ sprig_trunc 50 "x" }}'),
  c('trim_upper_lower_title', '{{ sprig_trim "  a b  " }}|{{ sprig_upper "héllo" }}|{{ sprig_lower "HÉLLO" }}|{{ sprig_title "hello wORLD" }}|{{ sprig_untitle "Hello World" }}'),
  c('substr', '{{ sprig_substr 0 5 "hello world" }}|{{ sprig_substr -1 5 "hello" }}|{{ sprig_substr 2 -1 "hello" }}|{{ sprig_substr 1 99 "hello" }}'),
  c('substr_out_of_range', '{{ sprig_substr 3 2 "hello" }}'),
  c('repeat', '{{ sprig_repeat 3 "ab" }}|{{ "x" | sprig_repeat 2 }}'),
  c('trimall_trimAll', '{{ sprig_trimall "$" "$5.00$" }}|{{ sprig_trimAll "ab" "abcba" }}'),
  c('trimSuffix_trimPrefix', '{{ sprig_trimSuffix "-" "hello-" }}|{{ sprig_trimPrefix "-" "-hello" }}'),
  c('nospace', '{{ sprig_nospace "hello w o r l d" }}|{{ sprig_nospace "a\\tb\\nc" }}'),
  c('initials', '{{ sprig_initials "First Try" }}|{{ sprig_initials "  lower case words " }}'),
  c('swapcase', '{{ sprig_swapcase "This Is A.Test" }}'),
  c('snakecase', '{{ sprig_snakecase "FirstName" }}|{{ sprig_snakecase "HTTPServer" }}|{{ sprig_snakecase "foo bar-baz" }}|{{ sprig_snakecase "version2Update" }}|{{ sprig_snakecase "a1b2" }}'),
  c('camelcase', '{{ sprig_camelcase "http_server" }}|{{ sprig_camelcase "foo bar-baz" }}|{{ sprig_camelcase "_leading" }}|{{ sprig_camelcase "fooBAR_baz" }}'),
  c('kebabcase', '{{ sprig_kebabcase "FirstName" }}|{{ sprig_kebabcase "HTTPServer2Go" }}'),
  c('wrap', '{{ sprig_wrap 5 "Hello World and more" }}'),
  c('wrapWith', '{{ sprig_wrapWith 5 "\\t" "Hello World" }}|{{ sprig_wrapWith 3 "|" "abcdefgh" }}'),
  c('contains_hasPrefix_hasSuffix', '{{ sprig_contains "cat" "catch" }}|{{ sprig_hasPrefix "cat" "catch" }}|{{ sprig_hasSuffix "ch" "catch" }}|{{ sprig_contains "dog" "catch" }}'),
  c('quote_squote', '{{ sprig_quote "a" 1 nil "b\\"c" }}|{{ sprig_squote "a" 1.5 nil true }}'),
  c('cat', '{{ sprig_cat "hello" 1 nil (sprig_list 1 2) "world" }}'),
  c('indent_nindent', '{{ sprig_indent 2 "a\\n\\nb" }}|{{ sprig_nindent 3 "x" }}'),
  c('replace', '{{ sprig_replace " " "-" "a b c" }}|{{ "aaa" | sprig_replace "a" "bb" }}'),
  c('plural', '{{ sprig_plural "one" "many" 1 }}|{{ sprig_plural "one" "many" 2 }}'),
  c('toString', '{{ sprig_toString 1 }}|{{ sprig_toString 1.5 }}|{{ sprig_toString (sprig_list 1 "a") }}|{{ sprig_toString nil }}|{{ sprig_toString true }}'),
  c('atoi', '{{ sprig_atoi "42" }}|{{ sprig_atoi "x" }}|{{ sprig_atoi "-7" }}|{{ printf "%T" (sprig_atoi "1") }}'),
  c('split', '{{ $p := sprig_split "$" "foo$bar$baz" }}{{ $p._0 }} {{ $p._2 }} {{ $p }} {{ printf "%T" $p }}'),
  c('splitList', '{{ sprig_splitList "," "a,b,,c" }}|{{ printf "%T" (sprig_splitList "" "héllo") }}|{{ sprig_splitList "" "héllo" }}'),
  c('splitn', '{{ sprig_splitn "$" 2 "foo$bar$baz" }}|{{ sprig_splitn "$" 0 "a$b" }}|{{ sprig_splitn "$" -1 "a$b$c" }}'),
  c('toStrings', '{{ sprig_toStrings (sprig_list 1 "a" nil 2.5 true) }}|{{ printf "%T" (sprig_toStrings 3) }}|{{ sprig_toStrings nil }}'),
  c('join', '{{ sprig_join "-" (sprig_list 1 "a" nil) }}|{{ sprig_join "," (sprig_splitList " " "x y") }}|{{ sprig_join "," "single" }}'),
  c('sortAlpha', '{{ sprig_sortAlpha (sprig_list "b" "a" "C" 10 2) }}|{{ sprig_sortAlpha "x" }}'),
  // numbers
  c('int64_int_float64', '{{ sprig_int64 "42" }} {{ sprig_int64 "0x1F" }} {{ sprig_int64 "1.00" }} {{ sprig_int64 "1.5" }} {{ sprig_int64 3.9 }} {{ sprig_int64 true }} {{ printf "%T" (sprig_int64 1) }}|{{ sprig_int "010" }} {{ printf "%T" (sprig_int 1) }}|{{ sprig_float64 "1e3" }} {{ sprig_float64 "x" }} {{ sprig_float64 2 }} {{ printf "%T" (sprig_float64 1) }}'),
  c('add_sub_mul', '{{ sprig_add 1 2 "3" 4.9 }}|{{ sprig_add1 41 }}|{{ sprig_sub 10 3.5 }}|{{ sprig_mul 2 3 "4" }}|{{ printf "%T" (sprig_add 1) }}'),
  c('div_mod', '{{ sprig_div 7 2 }}|{{ sprig_div -7 2 }}|{{ sprig_mod 7 3 }}|{{ sprig_mod -7 3 }}'),
  c('div_by_zero', '{{ sprig_div 1 0 }}'),
  c('mod_by_zero', '{{ sprig_mod 1 0 }}'),
  c('floats_decimal', '{{ sprig_addf 0.1 0.2 }}|{{ sprig_add1f 1.5 }}|{{ sprig_subf 1 0.9 }}|{{ sprig_mulf 1.1 3 }}|{{ sprig_divf 10 3 }}|{{ sprig_divf 1 8 }}|{{ printf "%T" (sprig_addf 1) }}'),
  c('divf_by_zero', '{{ sprig_divf 1 0 }}'),
  c('max_min', '{{ sprig_max 1 5 "3" }}|{{ sprig_biggest 2 9 }}|{{ sprig_min 4 2 8 }}|{{ sprig_maxf 1.5 2.5 }}|{{ sprig_minf 1.5 -2 }}'),
  c('ceil_floor_round', '{{ sprig_ceil 1.1 }}|{{ sprig_floor 1.9 }}|{{ sprig_round 3.14159 2 }}|{{ sprig_round 2.5 0 }}|{{ sprig_round 1.45 1 0.6 }}|{{ sprig_floor "2.7" }}'),
  c('seq', '{{ sprig_seq 5 }}|{{ sprig_seq -3 }}|{{ sprig_seq 2 5 }}|{{ sprig_seq 0 2 10 }}|{{ sprig_seq 5 -1 1 }}|{{ sprig_seq 1 2 0 }}|{{ sprig_seq }}'),
  c('until_untilStep', '{{ sprig_until 5 }}|{{ sprig_until -3 }}|{{ sprig_untilStep 0 10 3 }}|{{ sprig_untilStep 10 0 -4 }}|{{ printf "%T" (sprig_until 1) }}'),
  c('toDecimal', '{{ sprig_toDecimal "0777" }}|{{ sprig_toDecimal 10 }}|{{ sprig_toDecimal "9" }}|{{ sprig_toDecimal "-17" }}|{{ sprig_toDecimal "+7" }}|{{ sprig_toDecimal "1777777777777777777777" }}'),
  // lists
  c('list_tuple', '{{ sprig_list 1 "a" nil }}|{{ sprig_tuple }}|{{ printf "%T" (sprig_list) }}'),
  c('append_push_prepend', '{{ sprig_append (sprig_list 1 2) 3 }}|{{ sprig_push (sprig_splitList "," "a,b") "c" }}|{{ sprig_prepend (sprig_list 1) 0 }}|{{ sprig_mustAppend (sprig_list) 1 }}|{{ sprig_mustPush (sprig_list) 2 }}|{{ sprig_mustPrepend (sprig_list) 3 }}'),
  c('append_not_a_list', '{{ sprig_append "abc" 1 }}'),
  c('append_nil', '{{ sprig_append nil 1 }}'),
  c('first_last_rest_initial', '{{ sprig_first (sprig_list 1 2 3) }}|{{ sprig_last (sprig_list 1 2 3) }}|{{ sprig_rest (sprig_list 1 2 3) }}|{{ sprig_initial (sprig_list 1 2 3) }}|{{ sprig_first (sprig_list) }}|{{ sprig_rest (sprig_list) }}|{{ sprig_mustFirst (sprig_list 4) }}|{{ sprig_mustLast (sprig_list 5) }}|{{ sprig_mustRest (sprig_list 6 7) }}|{{ sprig_mustInitial (sprig_list 8 9) }}'),
  c('first_not_a_list', '{{ sprig_mustFirst 3 }}'),
  c('reverse_compact_uniq', '{{ sprig_reverse (sprig_list 1 2 3) }}|{{ sprig_compact (sprig_list 1 "" 0 nil false "a" (sprig_list)) }}|{{ sprig_uniq (sprig_list 1 1 "1" 2 1.0 1) }}|{{ sprig_mustReverse (sprig_list) }}|{{ sprig_mustCompact (sprig_list 0) }}|{{ sprig_mustUniq (sprig_list "a" "a") }}'),
  c('without_has', '{{ sprig_without (sprig_list 1 2 3 2) 2 }}|{{ sprig_has 2 (sprig_list 1 2) }}|{{ sprig_has "2" (sprig_list 1 2) }}|{{ sprig_has 1 nil }}|{{ sprig_mustWithout (sprig_list 1 2) 1 2 }}|{{ sprig_mustHas 1 (sprig_list 1) }}'),
  c('has_not_a_list', '{{ sprig_has 1 "abc" }}'),
  c('slice', '{{ sprig_slice (sprig_list 1 2 3 4) 1 3 }}|{{ sprig_slice (sprig_list 1 2 3) 1 }}|{{ sprig_slice (sprig_list 1 2) }}|{{ printf "%T" (sprig_slice (sprig_splitList "," "a,b") 1) }}|{{ sprig_slice (sprig_list) }}|{{ sprig_mustSlice (sprig_list 1 2) 0 1 }}'),
  c('concat', '{{ sprig_concat (sprig_list 1 2) (sprig_splitList "," "a,b") (sprig_list) }}|{{ sprig_concat }}'),
  c('chunk', '{{ sprig_chunk 2 (sprig_list 1 2 3 4 5) }}|{{ sprig_mustChunk 3 (sprig_list 1 2 3) }}|{{ printf "%T" (sprig_chunk 1 (sprig_list 1)) }}'),
  // dicts
  c('dict_get_set_unset', '{{ $d := sprig_dict "a" 1 "b" "two" "c" }}{{ $d }}|{{ sprig_get $d "a" }}|{{ sprig_get $d "zz" }}|{{ sprig_set $d "d" 4 }}|{{ sprig_unset $d "a" }}|{{ $d }}|{{ sprig_hasKey $d "b" }}|{{ sprig_hasKey $d "a" }}'),
  c('dict_key_types', '{{ sprig_dict 1 "one" true "t" nil "n" }}'),
  c('pluck_keys_values', '{{ $a := sprig_dict "name" "a" "x" 1 }}{{ $b := sprig_dict "name" "b" }}{{ sprig_pluck "name" $a $b }}|{{ sprig_keys (sprig_dict "k" 1) (sprig_dict "j" 2) }}|{{ sprig_values (sprig_dict "k" "v") }}'),
  c('pick_omit', '{{ $d := sprig_dict "a" 1 "b" 2 "c" 3 }}{{ sprig_pick $d "a" "c" "z" }}|{{ sprig_omit $d "a" }}'),
  c('merge', '{{ $dst := sprig_dict "a" 1 "n" (sprig_dict "x" 1) "e" "" }}{{ $src := sprig_dict "a" 2 "b" 3 "n" (sprig_dict "y" 2) "e" "filled" }}{{ sprig_merge $dst $src }}|{{ $dst }}'),
  c('mergeOverwrite', '{{ $dst := sprig_dict "a" 1 "n" (sprig_dict "x" 1) }}{{ $src := sprig_dict "a" 2 "b" 3 "n" (sprig_dict "x" 5 "y" 2) }}{{ sprig_mergeOverwrite $dst $src }}|{{ sprig_mustMerge (sprig_dict) (sprig_dict "q" 1) }}|{{ sprig_mustMergeOverwrite (sprig_dict "q" 1) (sprig_dict "q" 2) }}'),
  c('deepCopy', '{{ $d := sprig_dict "a" (sprig_list 1 (sprig_dict "b" 2)) }}{{ $c := sprig_deepCopy $d }}{{ $_ := sprig_set $d "z" 1 }}{{ $c }}|{{ sprig_mustDeepCopy (sprig_list 1) }}|{{ sprig_deepCopy nil }}'),
  c('dig', '{{ $d := sprig_dict "a" (sprig_dict "b" (sprig_dict "c" 42)) }}{{ sprig_dig "a" "b" "c" "none" $d }}|{{ sprig_dig "a" "x" "none" $d }}|{{ sprig_dig "a" "b" 0 $d }}'),
  c('dig_not_a_dict', '{{ sprig_dig "a" "b" "d" (sprig_dict "a" "str") }}'),
  // defaults, JSON
  c('default_empty', '{{ sprig_default "d" "" }}|{{ sprig_default "d" "v" }}|{{ sprig_default "d" 0 }}|{{ sprig_default "d" (sprig_list) }}|{{ sprig_default "d" }}|{{ "x" | sprig_default "d" }}|{{ sprig_empty "" }}|{{ sprig_empty 0.0 }}|{{ sprig_empty (sprig_dict) }}|{{ sprig_empty false }}|{{ sprig_empty nil }}|{{ sprig_empty 1 }}'),
  c('coalesce_all_any', '{{ sprig_coalesce 0 "" nil "x" "y" }}|{{ sprig_coalesce 0 }}|{{ sprig_all 1 "a" true }}|{{ sprig_all 1 "" }}|{{ sprig_any 0 "" "z" }}|{{ sprig_any }}'),
  c('ternary', '{{ sprig_ternary "yes" "no" true }}|{{ sprig_ternary "yes" "no" false }}|{{ true | sprig_ternary 1 2 }}'),
  c('fromJson', '{{ $v := sprig_fromJson "{\\"a\\":[1,2.5,\\"x\\",null,true],\\"b\\":{}}" }}{{ $v }} {{ printf "%T" $v.a }}|{{ sprig_fromJson "bad" }}|{{ sprig_mustFromJson "[1]" }}'),
  c('mustFromJson_error', '{{ sprig_mustFromJson "{bad" }}'),
  c('toJson', '{{ sprig_toJson (sprig_dict "b" (sprig_list 1 2.5 "<x>" nil true) "a" "&") }}|{{ sprig_mustToJson "s" }}'),
  c('toPrettyJson', '{{ sprig_toPrettyJson (sprig_dict "a" (sprig_list 1 (sprig_dict "b" "c")) "e" (sprig_list)) }}|{{ sprig_mustToPrettyJson 1 }}'),
  c('toRawJson', '{{ sprig_toRawJson (sprig_dict "html" "<a href=\\"x\\">&</a>") }}|{{ sprig_mustToRawJson (sprig_list "<") }}'),
  // reflection
  c('typeOf_kindOf', '{{ sprig_typeOf 1 }} {{ sprig_typeOf 1.5 }} {{ sprig_typeOf "s" }} {{ sprig_typeOf nil }} {{ sprig_typeOf (sprig_list) }} {{ sprig_typeOf (sprig_dict) }} {{ sprig_typeOf (sprig_int64 1) }}|{{ sprig_kindOf 1 }} {{ sprig_kindOf "s" }} {{ sprig_kindOf (sprig_list) }} {{ sprig_kindOf (sprig_dict) }} {{ sprig_kindOf nil }} {{ sprig_kindOf (sprig_splitList "," "a") }} {{ sprig_kindOf (sprig_int64 1) }}'),
  c('typeIs_kindIs', '{{ sprig_typeIs "int" 1 }} {{ sprig_typeIs "string" 1 }} {{ sprig_typeIsLike "int" 1 }} {{ sprig_kindIs "slice" (sprig_list) }} {{ sprig_kindIs "map" 1 }}'),
  c('deepEqual', '{{ sprig_deepEqual (sprig_list 1 "a") (sprig_list 1 "a") }} {{ sprig_deepEqual 1 1.0 }} {{ sprig_deepEqual (sprig_dict "a" 1) (sprig_dict "a" 1) }} {{ sprig_deepEqual "a" "b" }} {{ sprig_deepEqual nil nil }}'),
  // regex
  c('regexMatch', '{{ sprig_regexMatch "^[a-z]+@[a-z]+\\\\.com$" "test@acme.com" }}|{{ sprig_regexMatch "(" "x" }}|{{ sprig_mustRegexMatch "a.c" "abc" }}'),
  c('regexFind', '{{ sprig_regexFind "[a-zA-Z][1-9]" "abcd1234" }}|{{ sprig_regexFind "z" "abc" }}|{{ sprig_mustRegexFind "b+" "abbbc" }}'),
  c('regexFind_bad_pattern', '{{ sprig_regexFind "(" "x" }}'),
  c('mustRegexFind_bad_pattern', '{{ sprig_mustRegexFind "a(" "x" }}'),
  c('regexFindAll', '{{ sprig_regexFindAll "[2,4,6,8]" "123456789" -1 }}|{{ sprig_regexFindAll "[2,4,6,8]" "123456789" 2 }}|{{ sprig_regexFindAll "z" "abc" -1 }}|{{ sprig_mustRegexFindAll "a*" "baaab" -1 }}'),
  c('regexReplaceAll', '{{ sprig_regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ sprig_mustRegexReplaceAll "(?P<w>o+)" "foo" "[$w]" }}|{{ sprig_regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}|{{ sprig_mustRegexReplaceAllLiteral "o" "foo" "$" }}'),
  c('regexSplit', '{{ sprig_regexSplit "z+" "pizza" -1 }}|{{ sprig_regexSplit "z+" "pizza" 1 }}|{{ sprig_regexSplit "" "abc" -1 }}|{{ sprig_regexSplit "a" "" -1 }}|{{ sprig_mustRegexSplit "," "a,b,c" 2 }}|{{ sprig_regexSplit "x" "abc" 0 }}'),
  c('regexQuoteMeta', '{{ sprig_regexQuoteMeta "1.2.3 [a]+(b)*" }}'),
  // encoding and hashes
  c('b64_b32', '{{ sprig_b64enc "hello wörld" }}|{{ sprig_b64dec "aGVsbG8=" }}|{{ sprig_b64dec "!!" }}|{{ sprig_b32enc "hello" }}|{{ sprig_b32enc "ab" }}|{{ sprig_b32dec "NBSWY3DP" }}|{{ sprig_b32dec "MFRA====" }}|{{ sprig_b32dec "1" }}'),
  c('hashes', '{{ sprig_sha1sum "abc" }}|{{ sprig_sha256sum "abc" }}|{{ sprig_adler32sum "Wikipedia" }}'),
  // paths and URLs
  c('paths', '{{ sprig_base "/a/b.txt" }} {{ sprig_dir "/a/b.txt" }} {{ sprig_clean "a//b/../c/" }} {{ sprig_ext "f.tar.gz" }} {{ sprig_ext "dir.d/file" }} {{ sprig_isAbs "/x" }} {{ sprig_isAbs "x" }}|{{ sprig_osBase "/a/b" }} {{ sprig_osDir "a" }} {{ sprig_osClean "" }} {{ sprig_osExt "x." }} {{ sprig_osIsAbs "/" }}'),
  c('urlParse', '{{ sprig_urlParse "https://user:p%40ss@example.com:8443/a%20b/c?q=1&r=2#frag%21" }}|{{ sprig_urlParse "mailto:joe@example.com" }}|{{ sprig_urlParse "/relative/path?x" }}'),
  c('urlParse_error', '{{ sprig_urlParse "http://host:port/" }}'),
  c('urlJoin', '{{ sprig_urlJoin (sprig_dict "scheme" "https" "host" "example.com:80" "path" "/a b/c" "query" "q=1" "fragment" "f g" "userinfo" "u:p") }}|{{ sprig_urlJoin (sprig_dict "scheme" "mailto" "opaque" "joe@example.com") }}|{{ sprig_urlJoin (sprig_dict "path" "rel") }}'),
  c('urlJoin_bad_type', '{{ sprig_urlJoin (sprig_dict "host" 1) }}'),
  // dates (deterministic ones: zone-free layouts; the reference runs in UTC)
  c('duration', '{{ sprig_duration "95" }}|{{ sprig_duration (sprig_int64 3661) }}|{{ sprig_duration 5 }}|{{ sprig_duration "x" }}'),
  c('durationRound', '{{ sprig_durationRound "2h10m" }}|{{ sprig_durationRound "-49h" }}|{{ sprig_durationRound (sprig_int64 1500000000) }}|{{ sprig_durationRound "400d" }}|{{ sprig_durationRound "8760h1s" }}|{{ sprig_durationRound "61s" }}|{{ sprig_durationRound "1s" }}'),
  c('toDate_unixEpoch', '{{ $t := sprig_toDate "2006-01-02 15:04:05" "2021-03-04 05:06:07" }}{{ $t }}|{{ sprig_unixEpoch $t }}|{{ sprig_toDate "2006-01-02" "bad" }}|{{ (sprig_toDate "Jan 2, 2006 at 3:04pm (MST)" "Feb 3, 2013 at 7:54pm (UTC)").Format "2006-01-02T15:04:05Z07:00" }}'),
  c('mustToDate_error', '{{ sprig_mustToDate "2006-01-02" "2021-13-01x" }}'),
  c('dateModify', '{{ $t := sprig_toDate "2006-01-02" "2021-03-04" }}{{ sprig_mustDateModify "1h30m" $t }}|{{ sprig_must_date_modify "-24h" $t }}|{{ sprig_mustDateModify "1.5s" $t }}'),
  c('mustDateModify_error', '{{ sprig_mustDateModify "x" (sprig_toDate "2006" "2020") }}'),
  // semver
  c('semver', '{{ $v := sprig_semver "v1.2.3-beta.1+build.5" }}{{ $v }} {{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }}|{{ sprig_semver "1.2" }}'),
  c('semver_error', '{{ sprig_semver "not.a.version" }}'),
  c('semverCompare', '{{ sprig_semverCompare "^1.2.0" "1.4.0" }} {{ sprig_semverCompare "^1.2.0" "2.0.0" }} {{ sprig_semverCompare "~1.2.0" "1.2.9" }} {{ sprig_semverCompare "~1.2.0" "1.3.0" }} {{ sprig_semverCompare ">=1.0, <2.0" "1.5.0" }} {{ sprig_semverCompare "1.x" "1.9.9" }} {{ sprig_semverCompare ">1.0 || <0.5" "0.4.0" }} {{ sprig_semverCompare "1.2 - 1.4" "1.4.5" }} {{ sprig_semverCompare ">=1.0.0" "1.1.0-alpha" }} {{ sprig_semverCompare "^0.2.3" "0.2.9" }} {{ sprig_semverCompare "^0.2.3" "0.3.0" }} {{ sprig_semverCompare "!=1.2.3" "1.2.3" }}'),
  // crypto with fixed outputs
  c('derivePassword', '{{ sprig_derivePassword 1 "long" "password" "user" "example.com" }}|{{ sprig_derivePassword 1 "nope" "p" "u" "s" }}'),
  c('decryptAES', '{{ sprig_decryptAES "secretkey" "MTIzNDU2Nzg5MDEyMzQ1NsZ+Sl8gr5eEDM+f6bkTxY8=" }}|{{ sprig_decryptAES "k" "" }}|{{ sprig_encryptAES "k" "" }}'),
  c('genPrivateKey_unknown', '{{ sprig_genPrivateKey "nope" }}'),
  c('htpasswd_bad_user', '{{ sprig_htpasswd "a:b" "pw" }}'),
  c('fail', '{{ sprig_fail "stop here" }}'),
  // spew
  // One key per map: spew prints maps in Go's random order.
  c('spew_sdump', '{{ spew_sdump (sprig_dict "b" (sprig_list 1 "x" nil 2.5 (sprig_list) (sprig_dict "a" 1))) "" true (sprig_splitList "," "a,b") (sprig_int64 3) (sprig_toDate "2006" "2020") }}'),
  c('spew_sdump_nil', '{{ spew_sdump nil }}'),
  c('spew_sprintf', '{{ spew_sprintf "%v|%+v|%s|%d" (sprig_dict "a" (sprig_list 1)) (sprig_list "x" nil) "s" (sprig_list 1 2) }}'),
  c('spew_dump_renders_nothing', 'A{{ spew_dump }}B'),
  c('spew_sprintf_extra', '{{ spew_sprintf "x" 1 nil }}|{{ spew_sprintf "%d %s" 1 }}'),
  c('base32_errors', '{{ sprig_b32dec "snake_case" }}|{{ sprig_b32dec "MFRA===" }}|{{ sprig_b32dec "MFRGG===" }}|{{ sprig_b32dec "M=======" }}|{{ sprig_b32dec "MZXW6YQ=\nMZXW6YQ=" }}'),
  c('indent_negative', '{{ sprig_indent -1 "x" }}'),
  c('chunk_zero', '{{ sprig_chunk 0 (sprig_list 1 2) }}'),
  c('chunk_negative_single', '{{ sprig_chunk -4 (sprig_list 1) }}'),
  c('nil_slices', '{{ sprig_toJson (sprig_regexFindAll "z" "abc" -1) }}|{{ sprig_toJson (sprig_regexSplit "a" "b" 0) }}|{{ sprig_toJson (sprig_rest (sprig_list)) }}|{{ sprig_toJson (sprig_concat) }}|{{ sprig_regexFindAll "z" "abc" -1 }}|{{ spew_sdump (sprig_initial (sprig_list)) }}'),
];
