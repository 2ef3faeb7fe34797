import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileTemplate } from '../../../src/template/render.js';
import { renderGo } from './helpers.js';

/**
 * The confd fork's include (pkg/template/include.go): NAME joined to the templates folder and
 * cleaned, refused outside it; the included file parsed with the same functions and run with the
 * optional second argument as dot; a file already on the include stack is a cycle; at most 10
 * includes deep (the top-level template is not on the stack).
 */
const root = mkdtempSync(join(tmpdir(), 'ctmpl-include-'));
const templates = join(root, 'templates');
after(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(templates, name)), { recursive: true });
    writeFileSync(join(templates, name), text);
  }
}

write({
  'part.tmpl': 'x',
  'named.tmpl': 'name={{ .n }}',
  'dot.tmpl': '[{{ . }}]',
  'partials/footer.tmpl': '-- {{ toUpper "end" }} {{ include "part.tmpl" }}',
  'cycle-a.tmpl': 'a{{ include "cycle-b.tmpl" }}',
  'cycle-b.tmpl': 'b{{ include "cycle-a.tmpl" }}',
  'self.tmpl': 'S{{ include "self.tmpl" }}',
  'bad-parse.tmpl': '{{ nosuchfunc }}',
  'bad-exec.tmpl': '{{ index .l 5 }}',
  ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`d${i + 1}.tmpl`, `${i + 1}{{ if lt ${i + 1} .max }}{{ include "d${i + 2}.tmpl" . }}{{ end }}`])),
});

const cases: readonly { name: string; template: string; want?: string; error?: string }[] = [
  { name: 'includes a file of the templates folder', template: 'A{{ include "part.tmpl" }}B', want: 'AxB' },
  { name: 'the second argument is the included dot', template: '{{ include "named.tmpl" (dict "n" "web") }}', want: 'name=web' },
  { name: 'without one, dot is nil', template: '{{ include "dot.tmpl" }}', want: '[<no value>]' },
  { name: 'from a subfolder, with the same functions and nested includes', template: '{{ include "partials/footer.tmpl" }}', want: '-- END x' },
  { name: 'a leading slash is still inside the folder (filepath.Join)', template: '{{ include "/part.tmpl" }}', want: 'x' },
  { name: 'a cleaned path that stays inside is fine', template: '{{ include "partials/../part.tmpl" }}', want: 'x' },
  { name: 'ten deep is allowed', template: '{{ include "d1.tmpl" (dict "max" 10) }}', want: '12345678910' },
  { name: 'eleven deep is refused', template: '{{ include "d1.tmpl" (dict "max" 11) }}', error: 'maximum include depth (10) exceeded' },
  { name: 'a path outside the folder is refused', template: '{{ include "../secret" }}', error: 'error calling include: include path "../secret" is outside template directory' },
  { name: 'the folder itself is refused', template: '{{ include "." }}', error: 'include path "." is outside template directory' },
  { name: 'a cycle is refused, naming the file', template: '{{ include "cycle-a.tmpl" }}', error: `include cycle detected: ${join(templates, 'cycle-a.tmpl')} is already being processed` },
  { name: 'a template including itself is a cycle at the second level', template: '{{ include "self.tmpl" }}', error: `include cycle detected: ${join(templates, 'self.tmpl')} is already being processed` },
  { name: 'a missing file', template: '{{ include "nope.tmpl" }}', error: `error calling include: include nope.tmpl: open ${join(templates, 'nope.tmpl')}: no such file or directory` },
  { name: 'a parse error names the included file', template: '{{ include "bad-parse.tmpl" }}', error: 'error calling include: parse include bad-parse.tmpl: template: bad-parse.tmpl:1: function "nosuchfunc" not defined' },
  { name: 'an execution error names the included file', template: '{{ include "bad-exec.tmpl" (dict "l" (list)) }}', error: 'error calling include: execute include bad-exec.tmpl: template: bad-exec.tmpl:1:3: executing "bad-exec.tmpl" at <index .l 5>: error calling index: index out of range: 5' },
];

describe('include (the confd fork)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const run = renderGo(c.template, 'confd', { templateDir: templates }, 'main.tmpl');
      if (c.error === undefined) assert.equal((await run).output, c.want);
      else await assert.rejects(run, (error: Error) => error.message.includes(c.error!) || assert.fail(error.message));
    });
  }

  it('is for Go templates: a Handlebars template cannot include (its run never loads the Go engine)', async () => {
    const template = await compileTemplate({ name: 'h.hbs', text: '{{include "part.tmpl"}}', dialect: 'handlebars', flavor: 'confd' });
    assert.throws(() => template.render(new Map(), { env: {}, prefix: '/', denylist: [], templateDir: templates }), {
      message: 'template: h.hbs: error calling include: include part.tmpl: only Go templates can include',
    });
  });

  it('reads through a file dependency, so an edit is watched like data', async () => {
    const result = await renderGo('{{ include "partials/footer.tmpl" }}', 'confd', { templateDir: templates });
    assert.deepEqual([...result.used.keys()].sort(), [`file(${join(templates, 'part.tmpl')})`, `file(${join(templates, 'partials/footer.tmpl')})`]);
  });
});
