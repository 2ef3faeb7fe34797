import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/cli.js';
import { createPluginRunner } from '../../src/runner/plugin.js';
import type { PluginRunner } from '../../src/types/effects.js';
import { makeTempDir, removeTempDir } from '../support/server-process.js';

/** consul-template's `plugin`: tiny real programs, its output trimming, its error words, its timeout and the denylist. */

const SCRIPTS: Readonly<Record<string, string>> = {
  'echo-args': '#!/bin/sh\nprintf "\\n  %s" "$#"\nfor a; do printf "|%s" "$a"; done\nprintf "|  \\n"\n',
  'fail': '#!/bin/sh\necho partial\necho "bad input" >&2\nexit 3\n',
  'slow': '#!/bin/sh\nexec sleep 30\n',
  'killed': '#!/bin/sh\nkill -TERM $$\n',
  'env-cwd': '#!/bin/sh\necho "$PLUGIN_TOKEN $(pwd)"\n',
};

describe('plugin', () => {
  let dir: string;
  let runPlugin: PluginRunner;

  before(async () => {
    dir = await makeTempDir('plugin');
    for (const [name, text] of Object.entries(SCRIPTS)) {
      await writeFile(join(dir, name), text);
      await chmod(join(dir, name), 0o755);
    }
    await writeFile(join(dir, 'not-executable'), '#!/bin/sh\necho no\n');
    runPlugin = createPluginRunner({ cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin`, PLUGIN_TOKEN: 't0k' } }, 1_000);
  });
  after(async () => removeTempDir(dir));

  it('returns stdout with surrounding space trimmed; arguments go as they are, no shell', () => {
    assert.equal(runPlugin('echo-args', ['a b', '$HOME', '*']), '3|a b|$HOME|*|');
  });

  it('runs in the run’s directory with the run’s environment, found on its PATH', () => {
    assert.equal(runPlugin('env-cwd', []), `t0k ${dir}`);
  });

  const failures = [
    { name: 'a non-zero exit', plugin: 'fail', want: 'exec "fail": exit status 3\n\nstdout:\n\npartial\n\n\nstderr:\n\nbad input\n' },
    { name: 'death by a signal', plugin: 'killed', want: 'exec "killed": signal: terminated\n\nstdout:\n\n\n\nstderr:\n\n' },
    { name: 'a name not on PATH', plugin: 'no-such-plugin', want: 'exec "no-such-plugin": exec: "no-such-plugin": executable file not found in $PATH\n\nstdout:\n\n\n\nstderr:\n\n' },
    { name: 'a path that does not exist', plugin: './nope', want: 'exec "./nope": fork/exec ./nope: no such file or directory\n\nstdout:\n\n\n\nstderr:\n\n' },
    { name: 'a path that is not executable', plugin: './not-executable', want: 'exec "./not-executable": fork/exec ./not-executable: permission denied\n\nstdout:\n\n\n\nstderr:\n\n' },
    { name: 'running past the timeout', plugin: 'slow', want: 'exec "slow": did not finish in 1s' },
  ];
  for (const c of failures) {
    it(`words ${c.name} as consul-template does`, () => {
      assert.throws(() => runPlugin(c.plugin, []), { message: c.want });
    });
  }

  it('kills a plugin at the timeout instead of waiting for it', () => {
    const started = Date.now();
    assert.throws(() => runPlugin('slow', []));
    assert.ok(Date.now() - started < 10_000);
  });

  async function once(templateText: string, extra: readonly string[] = []): Promise<{ code: number; stderr: string; output: string }> {
    const src = join(dir, 'p.tmpl');
    const dest = join(dir, 'p.out');
    await writeFile(src, templateText);
    await writeFile(dest, '');
    let stderr = '';
    const code = await run(['-once', '-backend', 'env', '-log-level', 'error', ...extra, '-template', `${src}:${dest}`], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: { PATH: `${dir}:/usr/bin:/bin` },
      cwd: dir,
      signal: new AbortController().signal,
    });
    return { code, stderr, output: await readFile(dest, 'utf8') };
  }

  it('in a template: trimmed, empty arguments dropped', async () => {
    const outcome = await once('[{{ plugin "echo-args" "  x  " "" "y\\n" }}]');
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.output, '[2|x|y|]');
  });

  it('in a template: an empty name is ""', async () => {
    assert.equal((await once('[{{ plugin "" "x" }}]')).output, '[]');
  });

  it('in a template: a failure fails the render at the call', async () => {
    const outcome = await once('{{ plugin "fail" }}');
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /p\.tmpl:1:3: executing "p\.tmpl" at <plugin "fail">: error calling plugin: exec "fail": exit status 3/);
  });

  it('is refused by -function-denylist', async () => {
    const outcome = await once('{{ plugin "echo-args" }}', ['-function-denylist', 'plug*']);
    assert.notEqual(outcome.code, 0);
    // consul-template's words are "function is disabled"; either wording is a refusal.
    assert.match(outcome.stderr, /error calling plugin: function (plugin )?is (denied|disabled)/);
  });
});
