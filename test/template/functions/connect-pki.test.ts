import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectCaRoot, ConnectLeafCert, HealthService } from '../../../src/types/data.js';
import type { PkiCert } from '../../../src/types/vault.js';
import { functionNames } from '../../../src/template/functions/index.js';
import { compileTemplate } from '../../../src/template/render.js';

/** consul-template's `connect`, `caRoots`, `caLeaf` and `pkiCert` over snapshots, rendered by the Go engine. */

const ROOT: ConnectCaRoot = { ID: 'aa:bb', Name: 'Consul CA Root Cert', RootCertPEM: 'ROOT-PEM', Active: true, CreateIndex: 8n, ModifyIndex: 9n };
const LEAF: ConnectLeafCert = {
  SerialNumber: '08', CertPEM: 'CERT-PEM', PrivateKeyPEM: 'KEY-PEM', Service: 'web', ServiceURI: 'spiffe://x.consul/ns/default/dc/dc1/svc/web',
  ValidAfter: '2026-12-07T22:47:37Z', ValidBefore: '2026-12-10T22:47:37.5+01:00', CreateIndex: 5n, ModifyIndex: 5n,
};
const WEB: HealthService = {
  Node: 'n1', NodeID: 'id', NodeAddress: '10.0.0.1', NodeDatacenter: 'dc1', NodeTaggedAddresses: {}, NodeMeta: {}, ServiceMeta: {},
  Address: '10.0.0.1', ID: 'web1', Name: 'web', Tags: [], Checks: [], Status: 'passing', Port: 8080,
};
const CERT: PkiCert = { Cert: 'C\n', Key: 'K\n', CA: 'A\n', CAChain: ['A\n', 'B\n'] };
/** The data's hash is consul-template's sha1Map: sha1 of `common_name="a.example.com"`, 8 hex digits. */
const PKI_KEY = 'vault.pki(pki/issue/web -> 462b9134 -> /etc/tls/web.pem)';

const SNAPSHOTS = new Map<string, unknown>([
  ['connect.caroots', [ROOT]],
  ['connect.caleaf(web)', LEAF],
  ['health.connect(web|passing)', [WEB]],
  [PKI_KEY, CERT],
]);

async function render(text: string, snapshots: ReadonlyMap<string, unknown> = SNAPSHOTS) {
  const template = await compileTemplate({ name: 't', text, dialect: 'go', flavor: 'consul-template' });
  return template.render(snapshots, { env: {}, prefix: '/', denylist: [], destination: '/etc/tls/web.pem' });
}

describe('Connect and PKI functions', () => {
  const cases = [
    { name: 'caRoots lists *api.CARoot values', text: '{{ range caRoots }}{{ .Name }} {{ .RootCertPEM }} {{ .Active }} {{ .CreateIndex }}{{ end }}', want: 'Consul CA Root Cert ROOT-PEM true 8' },
    { name: 'caRoots ignores its arguments', text: '{{ len (caRoots "x" "y") }}', want: '1' },
    { name: 'caLeaf gives the leaf of a service', text: '{{ with caLeaf "web" }}{{ .CertPEM }}{{ .PrivateKeyPEM }} {{ .Service }} {{ .SerialNumber }}{{ end }}', want: 'CERT-PEMKEY-PEM web 08' },
    { name: 'caLeaf times are time.Time values, zones kept', text: '{{ with caLeaf "web" }}{{ .ValidAfter.Format "2006-01-02 15:04:05 MST" }}|{{ .ValidBefore.Format "15:04:05.000 -0700" }}|{{ .ValidBefore.UTC.Hour }}{{ end }}', want: '2026-12-07 22:47:37 UTC|22:47:37.500 +0100|21' },
    { name: 'caLeaf times print as Go prints a time.Time (its String method)', text: '{{ with caLeaf "web" }}{{ .ValidBefore }}|{{ printf "%s" .ValidAfter }}{{ end }}', want: '2026-12-10 22:47:37.5 +0100 +0100|2026-12-07 22:47:37 +0000 UTC' },
    { name: 'caLeaf of "" is nil', text: '{{ with caLeaf "" }}x{{ else }}none{{ end }}', want: 'none' },
    { name: 'connect lists Connect-capable instances like service', text: '{{ range connect "web" }}{{ .Name }} {{ .Address }}:{{ .Port }}{{ end }}', want: 'web 10.0.0.1:8080' },
    { name: 'connect with no name is empty', text: '{{ len (connect) }}', want: '0' },
    { name: 'pkiCert gives the PEMs', text: '{{ with pkiCert "pki/issue/web" "common_name=a.example.com" }}{{ .Cert }}{{ .Key }}{{ .CA }}{{ .CAChain }}{{ end }}', want: 'C\nK\nA\n[A\n B\n]' },
    { name: 'pkiCert .Data is itself, as for a secret', text: '{{ with pkiCert "pki/issue/web" " common_name = a.example.com " }}{{ .Data.Cert }}{{ end }}', want: 'C\n' },
    { name: 'pkiCert with no arguments is nil', text: '{{ with pkiCert }}x{{ else }}nil{{ end }}', want: 'nil' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.equal((await render(c.text)).output, c.want);
    });
  }

  it('each records its dependency, missing until its data arrives', async () => {
    const result = await render('{{ caRoots }}{{ caLeaf "api" }}{{ connect "api" }}{{ pkiCert "/pki/issue/api/" "a=b" }}', new Map());
    assert.equal(result.output, undefined);
    assert.deepEqual([...result.missing.keys()], [
      'connect.caroots', 'connect.caleaf(api)', 'health.connect(api|passing)', 'vault.pki(pki/issue/api -> 2b660a4a -> /etc/tls/web.pem)',
    ]);
  });

  const errors = [
    { name: 'a pkiCert argument that is no k=v pair', text: '{{ pkiCert "pki/issue/web" "oops" }}', want: /error calling pkiCert: not k=v pair "oops"/ },
    { name: 'an empty pkiCert path', text: '{{ pkiCert " / " }}', want: /error calling pkiCert: vault\.read: invalid format: ""/ },
    { name: 'a malformed connect query', text: '{{ connect "web|bogus" }}', want: /error calling connect: health\.service: invalid filter: "bogus"/ },
  ];
  for (const c of errors) {
    it(`fails on ${c.name}`, async () => {
      await assert.rejects(render(c.text), c.want);
    });
  }

  it('exist in both flavors', () => {
    for (const flavor of ['confd', 'consul-template'] as const) {
      const names = functionNames(flavor);
      for (const name of ['pkiCert', 'caRoots', 'caLeaf', 'connect', 'writeToFile', 'plugin']) assert.ok(names.has(name), `${flavor}: ${name}`);
    }
  });

  it('work as Handlebars helpers too', async () => {
    const template = await compileTemplate({
      name: 't', dialect: 'handlebars', flavor: 'consul-template',
      text: '{{#each (caRoots)}}{{Name}}{{/each}} {{#with (caLeaf "web")}}{{Service}}{{/with}} {{#with (pkiCert "pki/issue/web" "common_name=a.example.com")}}{{Key}}{{/with}}',
    });
    assert.equal(template.render(SNAPSHOTS, { env: {}, prefix: '/', denylist: [], destination: '/etc/tls/web.pem' }).output, 'Consul CA Root Cert web K\n');
  });
});
