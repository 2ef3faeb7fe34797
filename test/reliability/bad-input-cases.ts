/**
 * The bad-input corpus: each case is one broken input a user can give ctmpl. A case writes its
 * files into a fresh confdir (`files`, paths relative to it), runs ctmpl once with `args`
 * (`{dir}` and `{port}` are replaced), and expects exit `code` and ONE stderr line matching `line`.
 */
export interface BadInputCase {
  readonly name: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  readonly code: number;
  readonly line: RegExp;
}

const good = 'v={{ getv "/app/x" }}\n';
const data = { 'data.yaml': 'app:\n  x: 1\n' };
const confd = (toml: string, template = good): Record<string, string> => ({ ...data, 'conf.d/app.toml': toml, 'templates/app.tmpl': template });
const resource = (extra = '') => `[template]\nsrc = "app.tmpl"\ndest = "out/app.conf"\n${extra}`;
const once = ['-onetime', '-confdir', '{dir}', '-backend', 'file', '-file', '{dir}/data.yaml'];
const spec = (template: string, name = 'in.tmpl'): { files: Record<string, string>; args: string[] } => ({
  files: { ...data, [name]: template },
  args: ['-onetime', '-backend', 'file', '-file', '{dir}/data.yaml', '-template', `{dir}/${name}:{dir}/out/app.conf`],
});

const tomlCases: BadInputCase[] = [
  { name: 'an unclosed table header', files: confd('[template\nsrc = "app.tmpl"\n'), args: once, code: 78, line: /app\.toml:1/ },
  { name: 'an unterminated string', files: confd('[template]\nsrc = "app.tmpl\n'), args: once, code: 78, line: /app\.toml:2:\d+/ },
  { name: 'a duplicate key', files: confd(resource('src = "again.tmpl"\n')), args: once, code: 78, line: /app\.toml:4/ },
  { name: 'a bad escape in a string', files: confd('[template]\nsrc = "a\\qb"\n'), args: once, code: 78, line: /app\.toml:2:\d+/ },
  { name: 'a value with no key', files: confd('[template]\n= "x"\n'), args: once, code: 78, line: /app\.toml:2:\d+/ },
  { name: 'a bare word as a value', files: confd('[template]\nsrc = app.tmpl\n'), args: once, code: 78, line: /app\.toml:2:\d+/ },
  { name: 'an unclosed array', files: confd(resource('keys = ["/app"\n')), args: once, code: 78, line: /app\.toml:\d+:\d+/ },
  { name: 'a missing src', files: confd('[template]\ndest = "out/app.conf"\n'), args: once, code: 78, line: /app\.toml.*src/ },
  { name: 'a missing dest', files: confd('[template]\nsrc = "app.tmpl"\n'), args: once, code: 78, line: /app\.toml.*dest/ },
  { name: 'a decimal-looking mode', files: confd(resource('mode = "644"\n')), args: once, code: 78, line: /app\.toml:4.*mode/ },
  { name: 'a mode with a digit 9', files: confd(resource('mode = "0999"\n')), args: once, code: 78, line: /app\.toml:4.*mode/ },
  { name: 'a mode that is a word', files: confd(resource('mode = "rw-r--r--"\n')), args: once, code: 78, line: /app\.toml:4.*mode/ },
  { name: 'a src that is a number', files: confd('[template]\nsrc = 1\ndest = "out/app.conf"\n'), args: once, code: 78, line: /app\.toml:2.*src/ },
  { name: 'keys that are a string', files: confd(resource('keys = "/app"\n')), args: once, code: 78, line: /app\.toml:4.*keys/ },
  { name: 'an unknown owner', files: confd(resource('owner = "no-such-user-x"\n')), args: once, code: 78, line: /app\.toml:4.*no-such-user-x/ },
  { name: 'an unknown flavor', files: confd(resource('flavor = "jinja"\n')), args: once, code: 78, line: /app\.toml:4.*flavor/ },
  { name: 'a missing template file', files: { ...data, 'conf.d/app.toml': resource() }, args: once, code: 78, line: /app\.toml.*app\.tmpl/ },
  { name: 'an empty resource file', files: confd(''), args: once, code: 78, line: /app\.toml/ },
  { name: 'a malformed ctmpl.toml', files: { ...confd(resource()), 'ctmpl.toml': 'backend = \n' }, args: ['-onetime', '-confdir', '{dir}'], code: 78, line: /ctmpl\.toml:1/ },
  { name: 'a malformed confd.toml', files: { ...confd(resource()), 'confd.toml': 'interval = [\n' }, args: ['-onetime', '-confdir', '{dir}'], code: 78, line: /confd\.toml:\d+:\d+/ },
];

const templateCases: BadInputCase[] = [
  { name: 'an unclosed action', ...spec('a {{ .x \n'), code: 65, line: /in\.tmpl:1/ },
  { name: 'an end with nothing to end', ...spec('{{ end }}'), code: 65, line: /in\.tmpl:1:?\d*.*end/ },
  { name: 'an if without a condition', ...spec('{{ if }}x{{ end }}'), code: 65, line: /in\.tmpl:1:?\d*.*if/ },
  { name: 'a range without a pipeline', ...spec('{{ range }}x{{ end }}'), code: 65, line: /in\.tmpl:1:?\d*.*range/ },
  { name: 'an unclosed if', ...spec('line\n{{ if true }}x\n'), code: 65, line: /in\.tmpl:\d+/ },
  { name: 'an unknown function', ...spec('\n\n  {{ nosuchfunc "a" }}'), code: 65, line: /in\.tmpl:3.*nosuchfunc/ },
  { name: 'an undefined variable', ...spec('{{ $nope }}'), code: 65, line: /in\.tmpl:1:?\d*.*\$nope/ },
  { name: 'an unterminated string', ...spec('{{ "abc }}'), code: 65, line: /in\.tmpl:1/ },
  { name: 'an else outside any block', ...spec('{{ else }}'), code: 65, line: /in\.tmpl:1:?\d*.*else/ },
  { name: 'a template call without a name', ...spec('{{ template }}'), code: 65, line: /in\.tmpl:1/ },
  { name: 'an unclosed comment', ...spec('{{/* never closed }}'), code: 65, line: /in\.tmpl:1:?\d*.*comment/ },
  { name: 'a break outside a range', ...spec('{{ break }}'), code: 65, line: /in\.tmpl:1:?\d*.*break/ },
  { name: 'a with without a pipeline', ...spec('{{ with }}x{{ end }}'), code: 65, line: /in\.tmpl:1:?\d*.*with/ },
  { name: 'a malformed number', ...spec('{{ 0x }}'), code: 65, line: /in\.tmpl:1:?\d*.*0x/ },
  { name: 'an unexpected character', ...spec('{{ .a ^ .b }}'), code: 65, line: /in\.tmpl:1/ },
  { name: 'a define without an end', ...spec('{{ define "x" }}body'), code: 65, line: /in\.tmpl:\d+/ },
  { name: 'a bad regexp in regexMatch', ...spec('{{ regexMatch "(a" "a" }}'), code: 1, line: /in\.tmpl:1:?\d*.*missing closing \)/ },
  { name: 'a function on the denylist', files: { ...data, 'in.tmpl': '{{ env "HOME" }}' }, args: ['-onetime', '-backend', 'file', '-file', '{dir}/data.yaml', '-function-denylist', 'env', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 1, line: /in\.tmpl:1:?\d*.*env/ },
  { name: 'a handlebars block left open', ...spec('{{#if x}}yes', 'in.hbs'), code: 65, line: /in\.hbs/ },
  { name: 'a handlebars block closed by the wrong name', ...spec('{{#if x}}yes{{/each}}', 'in.hbs'), code: 65, line: /in\.hbs/ },
  { name: 'a missing -template source file', files: data, args: ['-onetime', '-backend', 'file', '-file', '{dir}/data.yaml', '-template', '{dir}/absent.tmpl:{dir}/out/app.conf'], code: 78, line: /absent\.tmpl/ },
  { name: 'an index out of range when executing', ...spec('{{ index "ab" 5 }}'), code: 1, line: /in\.tmpl:1:?\d*.*index/ },
  { name: 'a file function outside the sandbox', files: { ...data, 'in.tmpl': '{{ file "/etc/hostname" }}' }, args: ['-onetime', '-backend', 'file', '-file', '{dir}/data.yaml', '-sandbox-path', '{dir}/sandbox', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 1, line: /in\.tmpl:1:?\d*.*sandbox/ },
];

const flagCases: BadInputCase[] = [
  { name: 'an unknown flag', files: data, args: ['-onetime', '-nosuchflag'], code: 64, line: /nosuchflag/ },
  { name: 'an unknown backend', files: data, args: ['-onetime', '-backend', 'zookeepr'], code: 64, line: /zookeepr/ },
  { name: 'an interval that is a word', files: data, args: ['-onetime', '-interval', 'often'], code: 64, line: /interval/ },
  { name: 'a malformed wait', files: data, args: ['-onetime', '-wait', 'soon'], code: 64, line: /wait/ },
  { name: 'a wait whose min exceeds its max', files: data, args: ['-onetime', '-wait', '10s:1s'], code: 64, line: /wait/ },
  { name: 'an unknown log level', files: data, args: ['-onetime', '-log-level', 'loud'], code: 64, line: /loud/ },
  { name: 'an unknown log format', files: data, args: ['-onetime', '-log-format', 'xml'], code: 64, line: /xml/ },
  { name: 'an unknown flavor', files: data, args: ['-onetime', '-flavor', 'jinja'], code: 64, line: /jinja/ },
  { name: 'an empty -template', files: data, args: ['-onetime', '-template', ''], code: 64, line: /template/ },
  { name: 'a malformed lookup timeout', files: data, args: ['-onetime', '-lookup-timeout', 'xyz'], code: 64, line: /lookup-timeout/ },
  { name: 'a malformed command timeout', files: data, args: ['-onetime', '-command-timeout', '5parsecs'], code: 64, line: /command-timeout/ },
  { name: 'a retry count that is a word', files: data, args: ['-onetime', '-retry-max', 'many'], code: 64, line: /retry-max/ },
  { name: 'a malformed max-stale', files: data, args: ['-onetime', '-max-stale', 'old'], code: 64, line: /max-stale/ },
  { name: 'a file backend without a file', files: data, args: ['-onetime', '-backend', 'file', '-template', '{dir}/data.yaml:{dir}/out/x'], code: 64, line: /-file/ },
];

const backendCases: BadInputCase[] = [
  { name: 'an etcd node nobody listens on', ...withBackend('etcd', '127.0.0.1:{port}'), code: 69, line: /127\.0\.0\.1:\{port\}/ },
  { name: 'an etcd node URL nobody listens on', ...withBackend('etcd', 'http://127.0.0.1:{port}'), code: 69, line: /127\.0\.0\.1:\{port\}/ },
  { name: 'a redis node nobody listens on', ...withBackend('redis', '127.0.0.1:{port}'), code: 69, line: /127\.0\.0\.1:\{port\}/ },
  { name: 'a redis URL nobody listens on', ...withBackend('redis', 'redis://127.0.0.1:{port}/2'), code: 69, line: /127\.0\.0\.1:\{port\}/ },
  { name: 'a consul agent nobody listens on', ...withBackend('consul', '127.0.0.1:{port}'), code: 69, line: /127\.0\.0\.1:\{port\}/ },
  { name: 'a redis unix socket that does not exist', ...withBackend('redis', '{dir}/no.sock'), code: 69, line: /no\.sock/ },
  { name: 'an etcd CA file that does not exist', files: { ...data, 'in.tmpl': '{{ key "app/x" }}' }, args: ['-onetime', '-lookup-timeout', '2s', '-backend', 'etcd', '-node', 'https://127.0.0.1:{port}', '-client-ca-keys', '{dir}/no-ca.pem', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 69, line: /no-ca\.pem/ },
  { name: 'a data file that does not exist', files: { 'in.tmpl': '{{ key "app/x" }}' }, args: ['-onetime', '-backend', 'file', '-file', '{dir}/absent.yaml', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 69, line: /absent\.yaml/ },
  { name: 'a data file with malformed YAML', files: { 'in.tmpl': '{{ key "app/x" }}', 'bad.yaml': 'app:\n  x: [1, 2\n' }, args: ['-onetime', '-backend', 'file', '-file', '{dir}/bad.yaml', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 69, line: /bad\.yaml:\d+:\d+/ },
  { name: 'a data file with malformed JSON', files: { 'in.tmpl': '{{ key "app/x" }}', 'bad.json': '{"app": {"x": 1}' }, args: ['-onetime', '-backend', 'file', '-file', '{dir}/bad.json', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 69, line: /bad\.json:\d+:\d+/ },
  { name: 'a token file that cannot be read', files: { 'in.tmpl': '{{ key "app/x" }}' }, args: ['-onetime', '-lookup-timeout', '2s', '-backend', 'consul', '-node', '127.0.0.1:{port}', '-token-file', '{dir}/no-token', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 69, line: /no-token/ },
  { name: 'a key missing in once mode', files: { 'in.tmpl': '{{ key "app/absent" }}', ...data }, args: ['-onetime', '-lookup-timeout', '1s', '-backend', 'file', '-file', '{dir}/data.yaml', '-template', '{dir}/in.tmpl:{dir}/out/app.conf'], code: 1, line: /app\/absent/ },
];

function withBackend(backend: string, node: string): { files: Record<string, string>; args: string[] } {
  return {
    files: { 'in.tmpl': '{{ key "app/x" }}' },
    args: ['-onetime', '-lookup-timeout', '2s', '-retry-max', '2', '-backend', backend, '-node', node, '-template', '{dir}/in.tmpl:{dir}/out/app.conf'],
  };
}

const named = (group: string, cases: readonly BadInputCase[]) => cases.map((badCase) => ({ ...badCase, name: `${group}: ${badCase.name}` }));

export const badInputCases: readonly BadInputCase[] = [
  ...named('TOML', tomlCases),
  ...named('template', templateCases),
  ...named('flag', flagCases),
  ...named('backend', backendCases),
];
