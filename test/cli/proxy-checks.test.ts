import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, runCliInProcess } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';

/**
 * The seed flows end to end with the real proxies' own checks as check_cmd: a good config is
 * installed, a config the proxy rejects never replaces the installed one.
 */
const data = (servers: string[]) => `app:\n  servers:\n${servers.map((s, i) => `    web${i + 1}: "${s}"\n`).join('')}`;

interface Proxy {
  readonly binary: string;
  readonly template: string;
  readonly checkCmd: (dir: string) => string;
  readonly badServer: string;
}

const proxies: Proxy[] = [
  {
    binary: 'nginx',
    template: `events {}
http {
  upstream app {
{{- range gets "/app/servers/*"}}
    server {{.Value}};
{{- end}}
  }
  server {
    listen 127.0.0.1:18080;
    location / { proxy_pass http://app; }
  }
}
`,
    checkCmd: (dir) => `nginx -t -q -p ${dir} -c {{.src}} -g 'pid ${dir}/nginx.pid; error_log stderr;'`,
    badServer: '10.0.0.3:80 no_such_parameter',
  },
  {
    binary: 'haproxy',
    template: `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend web
    bind 127.0.0.1:18081
    default_backend app
backend app
    balance roundrobin
{{- range gets "/app/servers/*"}}
    server {{base .Key}} {{.Value}} check
{{- end}}
`,
    checkCmd: () => 'haproxy -c -q -f {{.src}}',
    badServer: '10.0.0.3:80 no_such_keyword',
  },
];

for (const proxy of proxies) {
  const { skip } = findBinary(proxy.binary, proxy.binary, `${proxy.binary} check_cmd tests`);
  describe(`a ${proxy.binary} config checked by ${proxy.binary} itself`, { skip }, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ dir, cleanup } = await makeTempDir());
      const resource = `[template]\nsrc = "proxy.tmpl"\ndest = "proxy.conf"\nkeys = ["/app"]\ncheck_cmd = "${proxy.checkCmd(dir).replaceAll('"', '\\"')}"\n`;
      await writeConfdir(dir, { resources: { 'proxy.toml': resource }, templates: { 'proxy.tmpl': proxy.template } });
    });
    after(() => cleanup());
    const once = () => runCliInProcess(['-onetime', '-confdir', dir, '-backend', 'file', '-file', join(dir, 'data.yaml')], { cwd: dir });

    it('installs a config the proxy accepts', async () => {
      await writeFile(join(dir, 'data.yaml'), data(['10.0.0.1:80', '10.0.0.2:80']));
      const result = await once();
      assert.equal(result.code, 0, result.stderr);
      assert.match(await readFile(join(dir, 'proxy.conf'), 'utf8'), /10\.0\.0\.2:80/);
    });

    it('keeps the installed config when the proxy rejects the new one', async () => {
      const installed = await readFile(join(dir, 'proxy.conf'), 'utf8');
      await writeFile(join(dir, 'data.yaml'), data(['10.0.0.1:80', proxy.badServer]));
      const result = await once();
      assert.equal(result.code, 1);
      assert.match(result.stderr, /check command .* exited with status/);
      assert.equal(await readFile(join(dir, 'proxy.conf'), 'utf8'), installed);
    });
  });
}
