import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readConsulTemplateConfigs } from '../../src/config/consul-template-config.js';
import type { Resource } from '../../src/config/resource.js';
import { templateBlockResource } from '../../src/config/template-block.js';
import { makeTempDir } from '../support/cli.js';

/**
 * The template {} keys consul-template gained after 0.20, read from an HCL file as a migrating
 * user writes them, and the Resource fields they become.
 */
const accepted: { name: string; text: string; want: (cwd: string) => Partial<Resource> }[] = [
  { name: 'function_denylist: the names denied in this template', text: 'function_denylist = ["env", "sprig_*"]', want: () => ({ functionDenylist: ['env', 'sprig_*'] }) },
  { name: 'function_blacklist (deprecated) adds its names after, without repeats', text: 'function_denylist = ["env", "file"]\nfunction_blacklist = ["file", "plugin"]', want: () => ({ functionDenylist: ['env', 'file', 'plugin'] }) },
  { name: 'function_denylist as a string splits at commas, as mapstructure does', text: 'function_denylist = "env,file"', want: () => ({ functionDenylist: ['env', 'file'] }) },
  { name: 'an empty function_denylist denies nothing', text: 'function_denylist = []', want: () => ({ functionDenylist: undefined }) },
  { name: 'sandbox_path, relative to the working directory', text: 'sandbox_path = "secrets"', want: (cwd) => ({ sandboxPath: join(cwd, 'secrets') }) },
  { name: 'error_fatal = true', text: 'error_fatal = true', want: () => ({ errorFatal: true }) },
  { name: 'error_fatal = false (ctmpl never exits on a render error anyway)', text: 'error_fatal = false', want: () => ({ errorFatal: undefined }) },
  { name: 'create_dest_dirs = false', text: 'create_dest_dirs = false', want: () => ({ createDestDirs: false }) },
  { name: 'create_dest_dirs = true (the default: folders are made)', text: 'create_dest_dirs = true', want: () => ({ createDestDirs: undefined }) },
  { name: 'user and group by name', text: 'user = "root"\ngroup = "root"', want: () => ({ uid: 0, gid: 0 }) },
  { name: 'uid and gid as numbers (0.28)', text: 'uid = 1234\ngid = 5678', want: () => ({ uid: 1234, gid: 5678 }) },
  { name: 'user wins over uid, group over gid', text: 'user = "42"\nuid = 7\ngroup = "43"\ngid = 8', want: () => ({ uid: 42, gid: 43 }) },
  { name: 'exec {} gives the command and its timeout', text: 'exec {\n  command = "nginx -s reload"\n  timeout = "5s"\n}', want: () => ({ reloadCmd: 'nginx -s reload', commandTimeoutMs: 5000 }) },
  { name: 'exec {} wins over command and command_timeout', text: 'command = "old"\ncommand_timeout = "9s"\nexec {\n  command = "new"\n  timeout = "2s"\n}', want: () => ({ reloadCmd: 'new', commandTimeoutMs: 2000 }) },
  { name: 'command_timeout stays when exec {} gives only the command', text: 'command_timeout = "9s"\nexec {\n  command = "new"\n}', want: () => ({ reloadCmd: 'new', commandTimeoutMs: 9000 }) },
  { name: 'a one-element command list is a shell command', text: 'command = ["nginx -s reload"]', want: () => ({ reloadCmd: 'nginx -s reload' }) },
  { name: 'a longer command list is argv, quoted for the shell', text: `exec {\n  command = ["touch", "a b", "it's"]\n}`, want: () => ({ reloadCmd: `'touch' 'a b' 'it'\\''s'` }) },
  {
    name: 'exec keys without effect on a template command (in consul-template too) are accepted',
    text: 'exec {\n  command = "x"\n  enabled = false\n  splay = "1s"\n  kill_signal = "SIGINT"\n  kill_timeout = "1s"\n  reload_signal = "SIGHUP"\n}',
    want: () => ({ reloadCmd: 'x' }),
  },
];

const refused: { name: string; text: string; message: RegExp }[] = [
  { name: 'exec.env, naming file, line and column', text: 'exec {\n  command = "x"\n  env {\n    pristine = true\n  }\n}', message: /^c\.hcl:6:3: template\.exec\.env: per-template command environments are not supported/ },
  { name: 'an unknown key inside exec', text: 'exec {\n  comand = "x"\n}', message: /^c\.hcl:5:3: unknown key "comand" in template\.exec$/ },
  { name: 'both source and contents', text: 'contents = "x"', message: /^c\.hcl:1: \[\[template\]\] #1: cannot specify both "source" and "contents"$/ },
  { name: 'a function_denylist that is not names', text: 'function_denylist = [1]', message: /^c\.hcl:1: \[\[template\]\] #1: "function_denylist" must be a list of function names$/ },
  { name: 'a command list of non-strings', text: 'command = [1, 2]', message: /^c\.hcl:1: \[\[template\]\] #1: "command" must be a string or a list of strings$/ },
  { name: 'an unknown user', text: 'user = "no-such-user-here"', message: /^c\.hcl:1: \[\[template\]\] #1 user: unknown user "no-such-user-here"$/ },
];

/** ctmpl.toml's [[template]] tables reach templateBlockResource without the HCL schema. */
const tomlRefused: { name: string; block: Record<string, unknown>; message: RegExp }[] = [
  { name: 'exec.env', block: { exec: { command: 'x', env: { pristine: true } } }, message: /^ctmpl\.toml: \[\[template\]\] #1: exec\.env: per-template command environments are not supported/ },
  { name: 'an unknown exec key', block: { exec: { comand: 'x' } }, message: /^ctmpl\.toml: \[\[template\]\] #1: unknown key "comand" in exec$/ },
  { name: 'an exec that is not a table', block: { exec: 'x' }, message: /^ctmpl\.toml: \[\[template\]\] #1: "exec" must be a block$/ },
  { name: 'an exec.timeout that is not a duration', block: { exec: { command: 'x', timeout: 5 } }, message: /^ctmpl\.toml: \[\[template\]\] #1: exec\.timeout must be a duration/ },
];

describe('consul-template template {} keys after 0.20', () => {
  for (const { name, block, message } of tomlRefused) {
    it(`refuses ${name} in a ctmpl.toml [[template]]`, () => {
      assert.throws(
        () => templateBlockResource({ source: 't.tmpl', destination: 'out', ...block }, 0, { cwd: '/', file: 'ctmpl.toml' }),
        (error: Error & { code?: string }) => error.code === 'CONFIG' && message.test(error.message),
      );
    });
  }


  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  /** Reads `template { source = "t.tmpl" destination = "out" <keys> }` (plus `top`) into Resources. */
  async function resources(keys: string, top = ''): Promise<{ cwd: string; resources: Resource[] }> {
    const cwd = join(dir, `case-${++counter}`);
    await mkdir(cwd);
    await writeFile(join(cwd, 'c.hcl'), `template {\n  source = "t.tmpl"\n  destination = "out"\n${keys}\n}\n${top}`);
    const config = await readConsulTemplateConfigs(['c.hcl'], cwd);
    return { cwd, resources: config.templates.map(({ block, where }, index) => templateBlockResource(block, index, { cwd, file: where })) };
  }

  for (const { name, text, want } of accepted) {
    it(name, async () => {
      const { cwd, resources: [resource] } = await resources(text);
      const expected = want(cwd);
      const got = Object.fromEntries(Object.keys(expected).map((key) => [key, resource![key as keyof Resource]]));
      assert.deepEqual(got, expected);
    });
  }

  for (const { name, text, message } of refused) {
    it(`refuses ${name}`, async () => {
      await assert.rejects(resources(text), (error: Error & { code?: string }) => error.code === 'CONFIG' && message.test(error.message));
    });
  }

  it('gives default_delimiters to the blocks that name none (an empty one is none)', async () => {
    const { resources: list } = await resources('left_delimiter = "<%"', 'default_delimiters {\n  left = "[["\n  right = "]]"\n}\ntemplate {\n  source = "u.tmpl"\n  destination = "out2"\n  right_delimiter = ""\n}\n');
    assert.deepEqual(list.map((resource) => [resource.leftDelim, resource.rightDelim]), [['<%', ']]'], ['[[', ']]']]);
  });

  it('gives template_error_fatal to the blocks that do not say, wherever the file says it', async () => {
    const { resources: list } = await resources('error_fatal = false', 'template_error_fatal = true\ntemplate {\n  source = "u.tmpl"\n  destination = "out2"\n}\n');
    assert.deepEqual(list.map((resource) => resource.errorFatal), [undefined, true]);
  });
});
