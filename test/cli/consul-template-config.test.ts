import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, runInProcess, startInProcess, waitFor } from '../support/cli.js';
import { startConsulAgent, type TestConsul } from '../support/consul-agent.js';

const consulBinary = findBinary('consul', 'consul (a Consul 1.2 agent; not a Debian package)', 'consul-template config files against a real Consul');
const peerBinary = consulBinary.skip ? consulBinary : findBinary('consul-template', 'consul-template (0.20.0; not a Debian package)', 'consul-template config files against the real consul-template');

/** An HCL config as consul-template users write it: a consul {} block and two template {} blocks. */
function hclConfig(address: string): string {
  return `# consul-template config
consul {
  address = "${address}"
  retry {
    enabled  = true
    attempts = 3
    backoff  = "250ms"
  }
}

log_level = "warn"
max_stale = "2s"

template {
  source      = "upstream.ctmpl"
  destination = "out/upstream.conf"
  perms       = 0600
}

template {
  contents    = <<EOF
{{ range ls "app/env" }}{{ .Key }}={{ .Value }}
{{ end }}name={{ key "app/name" }}
EOF
  destination = "out/app.env"
  error_on_missing_key = false
}
`;
}

const upstreamTemplate = `upstream {{ key "app/name" }} {
{{- range $i, $pair := ls "app/servers" }}
  server {{ $pair.Value }}; # {{ $i }} {{ $pair.Key }}
{{- end }}
}
`;

describe('consul-template HCL config files render as consul-template renders them', { skip: peerBinary.skip }, () => {
  let agent: TestConsul;
  let address: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    agent = await startConsulAgent({ binary: consulBinary.path! });
    address = `127.0.0.1:${agent.port}`;
    for (const [key, value] of Object.entries({
      'app/name': 'shop', 'app/servers/web1': '10.0.0.1:80', 'app/servers/web2': '10.0.0.2:80',
      'app/env/PORT': '8080', 'app/env/MODE': 'prod',
    })) await agent.putKey(key, value);
  });
  after(async () => {
    await agent?.close();
    await cleanup();
  });

  async function workdir(name: string): Promise<string> {
    const root = join(dir, name);
    await mkdir(join(root, 'out'), { recursive: true });
    await writeFile(join(root, 'config.hcl'), hclConfig(address));
    await writeFile(join(root, 'upstream.ctmpl'), upstreamTemplate);
    return root;
  }

  it('writes the same bytes and modes as the real consul-template for two template blocks', async () => {
    const peer = await workdir('peer');
    await promisify(execFile)(peerBinary.path!, ['-once', '-config', 'config.hcl'], { cwd: peer, timeout: 30_000 });
    const ours = await workdir('ours');
    const result = await runInProcess(['-once', '-config', 'config.hcl'], { cwd: ours });
    assert.equal(result.code, 0, result.stderr);
    for (const file of ['out/upstream.conf', 'out/app.env']) {
      assert.equal(await readFile(join(ours, file), 'utf8'), await readFile(join(peer, file), 'utf8'), file);
      assert.equal((await stat(join(ours, file))).mode & 0o777, (await stat(join(peer, file))).mode & 0o777, `${file} mode`);
    }
    assert.equal((await stat(join(ours, 'out/upstream.conf'))).mode & 0o777, 0o600);
    assert.match(await readFile(join(ours, 'out/app.env'), 'utf8'), /^MODE=prod\nPORT=8080\nname=shop\n$/);
  });

  it('reads Consul from CONSUL_HTTP_ADDR for a config with template blocks only', async () => {
    const ours = await workdir('templates-only');
    await writeFile(join(ours, 'config.hcl'), 'template {\n  source = "upstream.ctmpl"\n  destination = "out/upstream.conf"\n}\n');
    const result = await runInProcess(['-once', '-config', 'config.hcl'], { cwd: ours, env: { CONSUL_HTTP_ADDR: address } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(join(ours, 'out/upstream.conf'), 'utf8'), /^upstream shop \{\n  server 10\.0\.0\.1:80; # 0 web1\n/);
  });

  it('lets CONSUL_HTTP_ADDR beat the file and a flag beat both', async () => {
    const ours = await workdir('precedence');
    await writeFile(join(ours, 'config.hcl'), hclConfig('127.0.0.1:1'));
    const fromEnv = await runInProcess(['-once', '-config', 'config.hcl'], { cwd: ours, env: { CONSUL_HTTP_ADDR: address } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const fromFlag = await runInProcess(['-once', '-config', 'config.hcl', '-consul-addr', address], { cwd: ours, env: { CONSUL_HTTP_ADDR: '127.0.0.1:1' } });
    assert.equal(fromFlag.code, 0, fromFlag.stderr);
  });
});

describe('consul-template template {} keys from 0.21 on, in a run', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('refuses a function or a file in the template whose block says so, and only there', async () => {
    const outside = join(dir, 'outside.txt');
    await mkdir(join(dir, 'inside'));
    await writeFile(outside, 'secret');
    await writeFile(join(dir, 'data.yaml'), 'unused: 1\n');
    await writeFile(join(dir, 'greet.tmpl'), 'greeting={{ env "GREETING" }}\n');
    await writeFile(join(dir, 'read.tmpl'), `{{ file "${outside}" }}\n`);
    await writeFile(
      join(dir, 'config.hcl'),
      `template {
  source            = "greet.tmpl"
  destination       = "out/denied.txt"
  function_denylist = ["env"]
}
template {
  source      = "greet.tmpl"
  destination = "out/allowed.txt"
}
template {
  source       = "read.tmpl"
  destination  = "out/sandboxed.txt"
  sandbox_path = "inside"
}
template {
  source      = "read.tmpl"
  destination = "out/read.txt"
}
`,
    );
    const result = await runInProcess(['-once', '-backend', 'file', '-file', 'data.yaml', '-config', 'config.hcl'], { cwd: dir, env: { GREETING: 'hi' } });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /greet\.tmpl:1:\d+: executing "greet\.tmpl" at <env "GREETING">: error calling env: function is disabled/);
    assert.match(result.stderr, new RegExp(`error calling file: '${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is outside of sandbox`));
    assert.equal(await readFile(join(dir, 'out/allowed.txt'), 'utf8'), 'greeting=hi\n');
    assert.equal(await readFile(join(dir, 'out/read.txt'), 'utf8'), 'secret\n');
    await assert.rejects(stat(join(dir, 'out/denied.txt')), { code: 'ENOENT' });
    await assert.rejects(stat(join(dir, 'out/sandboxed.txt')), { code: 'ENOENT' });
  });

  it('uses default_delimiters for config blocks and -template specs alike', async () => {
    const cwd = join(dir, 'delimiters');
    await mkdir(cwd);
    await writeFile(join(cwd, 'data.yaml'), 'unused: 1\n');
    await writeFile(join(cwd, 't.tmpl'), '[[ env "GREETING" ]] {{ kept }}\n');
    await writeFile(join(cwd, 'config.hcl'), 'default_delimiters {\n  left = "[["\n  right = "]]"\n}\ntemplate {\n  source = "t.tmpl"\n  destination = "block.txt"\n}\n');
    const result = await runInProcess(['-once', '-backend', 'file', '-file', 'data.yaml', '-config', 'config.hcl', '-template', 't.tmpl:spec.txt'], { cwd, env: { GREETING: 'hi' } });
    assert.equal(result.code, 0, result.stderr);
    for (const file of ['block.txt', 'spec.txt']) assert.equal(await readFile(join(cwd, file), 'utf8'), 'hi {{ kept }}\n', file);
  });

  it('writes into a missing folder only when create_dest_dirs is not false', async () => {
    const cwd = join(dir, 'dest-dirs');
    await mkdir(cwd);
    await writeFile(join(cwd, 'data.yaml'), 'unused: 1\n');
    await writeFile(join(cwd, 't.tmpl'), 'x\n');
    await writeFile(join(cwd, 'config.hcl'), 'template {\n  source = "t.tmpl"\n  destination = "made/out.txt"\n}\ntemplate {\n  source = "t.tmpl"\n  destination = "missing/out.txt"\n  create_dest_dirs = false\n}\n');
    const result = await runInProcess(['-once', '-backend', 'file', '-file', 'data.yaml', '-config', 'config.hcl'], { cwd });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /missing\/out\.txt: parent directory is missing \(create_dest_dirs = false\)/);
    assert.equal(await readFile(join(cwd, 'made/out.txt'), 'utf8'), 'x\n');
    await assert.rejects(stat(join(cwd, 'missing')), { code: 'ENOENT' });
  });

  const denied = 'source = "bad.tmpl"\n  destination = "out.txt"\n  function_denylist = ["env"]';
  const errorFatal: { name: string; top: string; block: string; fatal?: RegExp }[] = [
    { name: 'error_fatal = true ends the daemon at a render error, as consul-template does', top: '', block: `${denied}\n  error_fatal = true`, fatal: /out\.txt: .*function is disabled \(error_fatal\)/ },
    { name: 'template_error_fatal = true does it for every block', top: 'template_error_fatal = true', block: denied, fatal: /out\.txt: .*function is disabled \(error_fatal\)/ },
    {
      name: 'error_fatal = true ends the daemon at a write error too',
      top: '',
      block: 'source = "bad.tmpl"\n  destination = "missing/out.txt"\n  create_dest_dirs = false\n  error_fatal = true',
      fatal: /parent directory is missing \(create_dest_dirs = false\) \(error_fatal\)/,
    },
    { name: 'without error_fatal the daemon logs the error and keeps watching', top: '', block: denied },
  ];
  for (const [index, { name, top, block, fatal }] of errorFatal.entries()) {
    it(name, async () => {
      const cwd = join(dir, `fatal-${index}`);
      await mkdir(cwd);
      await writeFile(join(cwd, 'data.yaml'), 'unused: 1\n');
      await writeFile(join(cwd, 'bad.tmpl'), '{{ env "GREETING" }}\n');
      await writeFile(join(cwd, 'config.hcl'), `${top}\ntemplate {\n  ${block}\n}\n`);
      const controller = new AbortController();
      const run = startInProcess(['-backend', 'file', '-file', 'data.yaml', '-watch', '-config', 'config.hcl'], { cwd, signal: controller.signal });
      const stopAfter = AbortSignal.timeout(20_000);
      stopAfter.addEventListener('abort', () => controller.abort());
      if (fatal) {
        const result = await run.result;
        assert.ok(!stopAfter.aborted, 'the daemon did not end by itself');
        assert.notEqual(result.code, 0);
        assert.match(result.stderr, fatal);
      } else {
        await waitFor(() => /function is disabled \(keeping the last good file\)/.test(run.stderr()), 'the logged render error');
        controller.abort();
        assert.equal((await run.result).code, 0);
      }
    });
  }
});
