import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readConsulTemplateConfigs } from '../../src/config/consul-template-config.js';
import { makeTempDir } from '../support/cli.js';

const mappings: { name: string; text: string; values: Record<string, unknown> }[] = [
  { name: 'maps the consul block onto the Consul flags', text: 'consul {\n address = "c:8500"\n token = "t"\n auth {\n enabled = true\n username = "u"\n password = "p"\n }\n}', values: { 'consul-addr': 'c:8500', 'consul-token': 't', username: 'u', password: 'p' } },
  { name: 'turns consul ssl into https and the TLS flags', text: 'consul {\n address = "c:8501"\n ssl {\n enabled = true\n verify = false\n ca_cert = "ca.pem"\n cert = "c.pem"\n key = "k.pem"\n server_name = "n"\n }\n}', values: { 'consul-addr': 'https://c:8501', 'tls-skip-verify': true, 'client-ca-keys': 'ca.pem', 'client-cert': 'c.pem', 'client-key': 'k.pem', 'tls-server-name': 'n' } },
  { name: 'counts retry attempts after the first one', text: 'consul {\n retry {\n attempts = 4\n }\n}', values: { 'retry-max': 5 } },
  { name: 'reads wait as a block or a string', text: 'wait {\n min = "2s"\n max = "9s"\n}', values: { wait: '2s:9s' } },
  { name: 'maps top-level settings and consul-template log levels', text: 'max_stale = "1s"\nlog_level = "err"\npid_file = "p"\nwait = "3s"', values: { 'max-stale': '1s', 'log-level': 'error', 'pid-file': 'p', wait: '3s' } },
  { name: 'maps the exec block onto the -exec flags', text: 'exec {\n command = "app run"\n reload_signal = "SIGHUP"\n kill_signal = "SIGINT"\n kill_timeout = "2s"\n splay = "1s"\n}', values: { exec: 'app run', 'exec-reload-signal': 'SIGHUP', 'exec-kill-signal': 'SIGINT', 'exec-kill-timeout': '2s', 'exec-splay': '1s' } },
  { name: 'ignores a disabled exec block', text: 'exec {\n enabled = false\n command = "x"\n}', values: {} },
  { name: 'reads the same settings from JSON', text: '{"consul": {"address": "j:1"}, "log_level": "debug"}', values: { 'consul-addr': 'j:1', 'log-level': 'debug' } },
];

const unknownKeys: { name: string; text: string; message: RegExp }[] = [
  { name: 'at the top level', text: 'log_level = "info"\nbogus = 1', message: /c\.hcl:2:1: unknown key "bogus"$/ },
  { name: 'in a template block', text: 'template {\n  source = "a"\n  sauce = "b"\n}', message: /c\.hcl:3:3: unknown key "sauce" in template$/ },
  { name: 'in a nested consul block', text: 'consul {\n  ssl {\n    verfy = true\n  }\n}', message: /c\.hcl:3:5: unknown key "verfy" in consul\.ssl$/ },
  { name: 'in JSON', text: '{\n  "consul": {\n    "adress": "x"\n  }\n}', message: /c\.hcl:3:5: unknown key "adress" in consul$/ },
];

describe('consul-template config files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  async function read(text: string) {
    const root = join(dir, `case-${++counter}`);
    await mkdir(root);
    await writeFile(join(root, 'c.hcl'), text);
    return readConsulTemplateConfigs(['c.hcl'], root);
  }

  for (const { name, text, values } of mappings) {
    it(name, async () => assert.deepEqual((await read(text)).values, values));
  }
  for (const { name, text, message } of unknownKeys) {
    it(`refuses an unknown key ${name}, naming file, line and column`, async () => {
      await assert.rejects(read(text), (error: Error & { code?: string }) => error.code === 'CONFIG' && message.test(error.message));
    });
  }

  it('keeps template blocks with their line, the vault block as -vault-* settings, and signals', async () => {
    const config = await read('vault {\n address = "https://v"\n token = "s"\n renew_token = false\n}\nkill_signal = "SIGQUIT"\ntemplate {\n source = "a"\n destination = "b"\n wait {\n min = "1s"\n }\n}\ntemplate {\n contents = "x"\n destination = "c"\n}');
    assert.deepEqual(config.templates, [
      { block: { source: 'a', destination: 'b', wait: '1s' }, where: 'c.hcl:7' },
      { block: { contents: 'x', destination: 'c' }, where: 'c.hcl:14' },
    ]);
    assert.deepEqual(
      [config.values['vault-addr'], config.values['vault-token'], config.values['vault-renew-token']],
      ['https://v', 's', false],
    );
    assert.equal(config.killSignal, 'SIGQUIT');
  });

  it('reads a directory in lexical order, later files over earlier ones, templates added up', async () => {
    const root = join(dir, 'dir');
    await mkdir(join(root, 'conf'), { recursive: true });
    await writeFile(join(root, 'conf', '20-b.hcl'), 'log_level = "debug"\ntemplate {\n source = "b"\n}');
    await writeFile(join(root, 'conf', '10-a.json'), '{"log_level": "warn", "max_stale": "5s", "template": {"source": "a"}}');
    const config = await readConsulTemplateConfigs(['conf'], root);
    assert.deepEqual(config.values, { 'log-level': 'debug', 'max-stale': '5s' });
    assert.deepEqual(config.templates.map((t) => t.block.source), ['a', 'b']);
  });

  it('notes syslog as accepted but logging to stderr', async () => {
    const config = await read('syslog {\n enabled = true\n facility = "LOCAL5"\n}');
    assert.match(config.notes.join('\n'), /syslog is not supported; logging to stderr/);
  });
});
