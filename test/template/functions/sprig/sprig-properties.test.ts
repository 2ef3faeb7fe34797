import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import bcryptjs from 'bcryptjs';
import { renderSprig } from './render.js';

/** The sprig_* functions whose output is random or clock-bound, checked by what must hold of it. */

async function render(template: string): Promise<string> {
  const outcome = await renderSprig('property', template);
  if ('error' in outcome) throw new Error(outcome.error);
  return outcome.output;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END \1-----\n/;

describe('sprig_* functions with random output, by property', () => {
  it('sha512sum is the SHA-512 of its input', async () => {
    assert.equal(await render('{{ sprig_sha512sum "abc" }}'), createHash('sha512').update('abc').digest('hex'));
  });

  it('shuffle keeps the runes of its input', async () => {
    const out = await render('{{ sprig_shuffle "héllo wörld" }}');
    assert.deepEqual([...out].sort(), [...'héllo wörld'].sort());
  });

  it('randInt stays within [min, max) and rejects an empty range', async () => {
    const values = (await render('{{ range sprig_until 200 }}{{ sprig_randInt 3 6 }} {{ end }}')).trim().split(' ').map(Number);
    assert.ok(values.every((n) => n >= 3 && n < 6));
    assert.deepEqual(new Set(values), new Set([3, 4, 5]));
    await assert.rejects(render('{{ sprig_randInt 5 5 }}'), /invalid argument to Intn/);
  });

  it('ago of a time an hour back reads 1h0m0s', async () => {
    const out = await render('{{ sprig_ago (sprig_mustDateModify "-1h" (sprig_toDate "2006-01-02T15:04:05Z07:00" (now_placeholder))) }}'.replace(
      '(now_placeholder)', `"${new Date().toISOString().slice(0, 19)}Z"`));
    assert.match(out, /^1h0m[01]s$/);
  });

  it('bcrypt gives a $2a$ cost-10 hash that verifies, and htpasswd prefixes the user', async () => {
    const hash = await render('{{ sprig_bcrypt "s3cret" }}');
    assert.match(hash, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    assert.ok(bcryptjs.compareSync('s3cret', hash));
    const line = await render('{{ sprig_htpasswd "alice" "pw" }}');
    assert.ok(line.startsWith('alice:$2a$10$') && bcryptjs.compareSync('pw', line.slice('alice:'.length)));
    assert.equal(await render(`{{ sprig_bcrypt "${'x'.repeat(73)}" }}`), 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes');
  });

  it('decryptAES(encryptAES(x)) is x, with a fresh IV each time', async () => {
    const out = await render('{{ $a := sprig_encryptAES "key" "hello wörld, 32 bytes and more!!" }}{{ $b := sprig_encryptAES "key" "hello wörld, 32 bytes and more!!" }}{{ ne $a $b }} {{ sprig_decryptAES "key" $a }}');
    assert.equal(out, 'true hello wörld, 32 bytes and more!!');
  });

  it('genPrivateKey makes each key type in Go\'s PEM layout', async () => {
    for (const [type, block] of [['ecdsa', 'EC PRIVATE KEY'], ['ed25519', 'PRIVATE KEY'], ['rsa', 'RSA PRIVATE KEY'], ['dsa', 'DSA PRIVATE KEY']] as const) {
      const pem = await render(`{{ sprig_genPrivateKey "${type}" }}`);
      assert.match(pem, PEM_BLOCK, type);
      assert.equal(PEM_BLOCK.exec(pem)![1], block, type);
      if (type !== 'dsa') createPrivateKey(pem);
    }
  });

  it('genCA makes a CA certificate that verifies itself and holds the key it returns', async () => {
    const out = await render('{{ $ca := sprig_genCA "my-ca" 30 }}{{ $ca.Cert }}{{ $ca.Key }}');
    const [cert, key] = out.split(/(?<=-----END CERTIFICATE-----\n)/) as [string, string];
    const x509 = new X509Certificate(cert);
    assert.equal(x509.subject, 'CN=my-ca');
    assert.equal(x509.issuer, 'CN=my-ca');
    assert.ok(x509.ca);
    assert.ok(x509.verify(x509.publicKey));
    assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
    const days = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 86_400_000;
    assert.ok(Math.abs(days - 30) < 0.01, String(days));
  });

  it('genSignedCert is signed by the CA and carries the SANs; the WithKey forms use the given key', async () => {
    const out = await render(`{{ $ca := sprig_genCAWithKey "ca" 5 (sprig_genPrivateKey "ecdsa") }}{{ $key := sprig_genPrivateKey "ed25519" }}
{{- $c := sprig_genSignedCertWithKey "svc" (sprig_list "10.0.0.1" "::1") (sprig_list "svc.local") 5 $ca $key }}
{{- $s := sprig_genSelfSignedCert "self" nil (sprig_list "a.example") 1 }}
{{- $ca.Cert }}{{ $c.Cert }}{{ $s.Cert }}{{ eq $c.Key $key }}`);
    const [caPem, certPem, selfPem, sameKey] = out.split(/(?<=-----END CERTIFICATE-----\n)/) as [string, string, string, string];
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    assert.equal(cert.issuer, 'CN=ca');
    assert.ok(cert.verify(ca.publicKey));
    assert.ok(!cert.ca);
    assert.equal(cert.subjectAltName, 'DNS:svc.local, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.ok(cert.checkIssued(ca), 'the authority key identifier names the CA');
    assert.equal(sameKey, 'true');
    const self = new X509Certificate(selfPem);
    assert.ok(self.verify(self.publicKey));
    assert.equal(self.subjectAltName, 'DNS:a.example');
  });

  it('genSelfSignedCertWithKey and buildCustomCert accept what the others made; bad input fails as sprig does', async () => {
    const out = await render(`{{ $s := sprig_genSelfSignedCertWithKey "x" nil nil 1 (sprig_genPrivateKey "ecdsa") }}{{ $b := sprig_buildCustomCert (sprig_b64enc $s.Cert) (sprig_b64enc $s.Key) }}{{ eq $b.Cert $s.Cert }} {{ eq $b.Key $s.Key }}`);
    assert.equal(out, 'true true');
    await assert.rejects(render('{{ sprig_buildCustomCert "!!" "" }}'), /unable to decode base64 certificate/);
    await assert.rejects(render('{{ sprig_genCAWithKey "x" 1 "nope" }}'), /parsing private key: no PEM data in input/);
    await assert.rejects(render('{{ sprig_genSelfSignedCert "x" (sprig_list "not-an-ip") nil 1 }}'), /error parsing ip: not-an-ip/);
  });
});

describe('sprig_* loading', () => {
  it('a template that names no sprig_ function does not load the sprig module', async () => {
    const { loadSprigFuncs } = await import('../../../../src/template/functions/index.js');
    assert.equal(await loadSprigFuncs('consul-template', '{{ key "a" }}'), undefined);
    assert.equal(await loadSprigFuncs('confd', '{{ sprig_hello }}'), undefined);
    assert.ok((await loadSprigFuncs('consul-template', '{{ sprig_hello }}'))?.sprig_hello);
  });

  it('the confd flavor has no sprig_ names', async () => {
    const { functionNames } = await import('../../../../src/template/functions/index.js');
    assert.ok(functionNames('consul-template').has('sprig_hello'));
    assert.ok(functionNames('consul-template').has('spew_sdump'));
    assert.ok(!functionNames('confd').has('sprig_hello'));
  });

  it('Handlebars templates of the consul-template flavor call them as helpers', async () => {
    const { compileTemplate } = await import('../../../../src/template/render.js');
    const compiled = await compileTemplate({ name: 't.hbs', text: '{{sprig_upper "abc"}} {{sprig_repeat 2 "x"}}', dialect: 'handlebars', flavor: 'consul-template' });
    assert.equal(compiled.render(new Map(), { env: {}, prefix: '/', denylist: [] }).output, 'ABC xx');
  });

  it('the denylist reaches sprig_* names', async () => {
    const { compileTemplate } = await import('../../../../src/template/render.js');
    const compiled = await compileTemplate({ name: 't', text: '{{ sprig_hello }}', dialect: 'go', flavor: 'consul-template' });
    assert.throws(() => compiled.render(new Map(), { env: {}, prefix: '/', denylist: ['sprig_*'] }), /sprig_hello/);
  });
});
