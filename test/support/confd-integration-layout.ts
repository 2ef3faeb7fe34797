import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * confd's integration layout (kelseyhightower/confd integration/confdir and integration/expect):
 * the basic, exists, iteration and manykeys resources, their templates, and the outputs every
 * confd backend must produce. Run with HOSTNAME=localhost. Destinations go under `outDir`.
 */

const basicKeys = ['/database/host', '/database/password', '/database/port', '/database/username'];

const templates: Readonly<Record<string, string>> = {
  'basic.conf.tmpl': [
    'hostname: {{ getenv "HOSTNAME" }}',
    '[database]',
    'host={{ getv "/database/host" }}',
    'password={{ getv "/database/password" }}',
    'port={{ getv "/database/port" }}',
    'username={{ getv "/database/username" }}',
    '',
  ].join('\n'),
  'exists-test.conf.tmpl': [
    '{{ if exists "/key" }}value: {{ getv "/key" }}{{ end }}',
    '{{- if exists "/doesnotexist" }}This line will not be printed value: {{ getv "/key" }}{{ end }}',
    '',
  ].join('\n'),
  'iteration.conf.tmpl': `upstream app {
{{- range gets "/upstream/*" }}
  server {{ .Value }};
{{- end }}
}

server {
    server_name  www.example.com;
    location / {
        proxy_pass        http://app;
        proxy_redirect    off;
        proxy_set_header  Host             $host;
        proxy_set_header  X-Real-IP        $remote_addr;
        proxy_set_header  X-Forwarded-For  $proxy_add_x_forwarded_for;
   }
}
`,
};

const basicExpected = 'hostname: localhost\n[database]\nhost=127.0.0.1\npassword=p@sSw0rd\nport=3306\nusername=confd\n';

/** Output file name → what confd writes there. */
export const integrationExpected: Readonly<Record<string, string>> = {
  'confd-basic-test.conf': basicExpected,
  'confd-exists-test.conf': 'value: foobar\n',
  'confd-iteration-test.conf': templates['iteration.conf.tmpl']!
    .replace(/upstream app \{\n[\s\S]*?\n\}\n/, 'upstream app {\n  server 10.0.1.10:8080;\n  server 10.0.1.11:8080;\n}\n'),
  'confd-manykeys-test.conf': basicExpected,
};

const resources: Readonly<Record<string, { src: string; dest: string; keys: readonly string[] }>> = {
  'basic.toml': { src: 'basic.conf.tmpl', dest: 'confd-basic-test.conf', keys: basicKeys },
  'exists.toml': { src: 'exists-test.conf.tmpl', dest: 'confd-exists-test.conf', keys: ['/key'] },
  'iteration.toml': { src: 'iteration.conf.tmpl', dest: 'confd-iteration-test.conf', keys: ['/upstream'] },
  // confd's manykeys.toml lists the four keys 50 times over.
  'manykeys.toml': { src: 'basic.conf.tmpl', dest: 'confd-manykeys-test.conf', keys: Array.from({ length: 50 }, () => basicKeys).flat() },
};

/** Writes conf.d/ and templates/ under `confdir`, destinations under `outDir`. */
export async function writeIntegrationConfdir(confdir: string, outDir: string): Promise<void> {
  await mkdir(join(confdir, 'conf.d'), { recursive: true });
  await mkdir(join(confdir, 'templates'), { recursive: true });
  await mkdir(outDir, { recursive: true });
  for (const [name, text] of Object.entries(templates)) await writeFile(join(confdir, 'templates', name), text);
  for (const [name, resource] of Object.entries(resources)) {
    const toml = [
      '[template]', 'mode = "0644"', `src = "${resource.src}"`, `dest = ${JSON.stringify(join(outDir, resource.dest))}`,
      `keys = ${JSON.stringify(resource.keys)}`, '',
    ].join('\n');
    await writeFile(join(confdir, 'conf.d', name), toml);
  }
}
