import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, runInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';

const resource = (name: string) => `[template]\nsrc = "${name}.tmpl"\ndest = "${name}.conf"\n`;

/** Broken templates and the one line `check` must print for each. */
const broken: { name: string; template: string; line: string }[] = [
  { name: 'unknown', template: 'ok\n  {{ nosuchfn "x" }}\n', line: 'templates/unknown.tmpl:2:6: function "nosuchfn" not defined' },
  { name: 'arity', template: '{{ getv "/a" }}\n{{ "a" | split }}\n', line: 'templates/arity.tmpl:2:10: wrong number of args for split: want 2 got 1' },
  { name: 'syntax', template: 'x\n{{ range }}\n', line: 'templates/syntax.tmpl:2:10: missing value for range' },
];

describe('ctmpl check and -parse-only', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('reports all three broken templates with their positions, touches nothing and exits non-zero', async () => {
    const root = join(dir, 'three');
    await writeConfdir(root, {
      resources: Object.fromEntries([...broken.map(({ name }) => [`${name}.toml`, resource(name)]), ['good.toml', resource('good')]]),
      templates: Object.fromEntries([...broken.map(({ name, template }) => [`${name}.tmpl`, template]), ['good.tmpl', '{{ getv "/x" }}\n']]),
    });
    for (const argv of [['check', '-confdir', root], ['-parse-only', '-confdir', root]]) {
      const result = await runInProcess(argv, { cwd: root });
      assert.equal(result.code, 65, result.stderr);
      for (const { line } of broken) assert.ok(result.stderr.split('\n').includes(line), `${line}\n in\n${result.stderr}`);
      assert.match(result.stderr, /^3 errors \(4 templates parsed\)$/m);
    }
    assert.deepEqual((await readdir(root)).sort(), ['conf.d', 'templates']);
  });

  it('reports every wrong call of one template, not only the first', async () => {
    const root = join(dir, 'many');
    await writeConfdir(root, {
      resources: { 'm.toml': resource('m') },
      templates: { 'm.tmpl': '{{ getv }}\n{{ index }} {{ join "a" }}\n{{ if true }}{{ base "a" "b" }}{{ end }}\n' },
    });
    const result = await runInProcess(['check', '-confdir', root], { cwd: root });
    assert.notEqual(result.code, 0);
    assert.deepEqual(result.stderr.trim().split('\n').slice(0, 4), [
      'templates/m.tmpl:1:4: wrong number of args for getv: want at least 1 got 0',
      'templates/m.tmpl:2:4: wrong number of args for index: want at least 1 got 0',
      'templates/m.tmpl:2:16: wrong number of args for join: want 2 got 1',
      'templates/m.tmpl:3:17: wrong number of args for base: want 1 got 2',
    ]);
  });

  it('checks the arity of sprig_* calls in a consul-template-flavor template', async () => {
    const root = join(dir, 'sprig');
    await writeConfdir(root, {
      resources: { 's.toml': `${resource('s')}flavor = "consul-template"\n` },
      templates: { 's.tmpl': '{{ sprig_upper "a" }}\n{{ sprig_repeat 3 }} {{ "x" | sprig_trunc 1 }}\n' },
    });
    const result = await runInProcess(['check', '-confdir', root], { cwd: root });
    assert.notEqual(result.code, 0);
    assert.equal(result.stderr.trim().split('\n')[0], 'templates/s.tmpl:2:4: wrong number of args for sprig_repeat: want 2 got 1');
  });

  it('reports a broken resource file and a broken template together', async () => {
    const root = join(dir, 'mixed');
    await writeConfdir(root, {
      resources: { 'bad.toml': '[template]\nsrc = "x.tmpl\n', 'nosrc.toml': '[template]\ndest = "y"\n', 't.toml': resource('t') },
      templates: { 't.tmpl': '{{ end }}\n' },
    });
    const result = await runInProcess(['check', '-confdir', root], { cwd: root });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /conf\.d\/bad\.toml:2:\d+: invalid TOML/);
    assert.match(result.stderr, /^conf\.d\/nosrc\.toml: \[template\] needs "src"$/m);
    assert.match(result.stderr, /^templates\/t\.tmpl:1:\d+: unexpected \{\{end\}\}$/m);
  });

  it('says ok and exits 0 when everything parses', async () => {
    const root = join(dir, 'fine');
    await writeConfdir(root, { resources: { 'g.toml': resource('g') }, templates: { 'g.tmpl': '{{ range gets "/a/*" }}{{ .Value | toUpper }}{{ end }}\n' } });
    const result = await runInProcess(['check', '-confdir', root], { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ok: 1 template parsed\n');
  });
});
