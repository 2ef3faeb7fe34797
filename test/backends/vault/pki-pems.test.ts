import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parsePems, renewalAt } from '../../../src/backends/vault/pki.js';

/** consul-template's pemsCert and goodFor (dependency/vault_pki.go), over recorded PEM files. */

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/pki/${name}`, import.meta.url), 'utf8');
const CA = fixture('ca.pem');
const LEAF = fixture('leaf.pem');
const KEY = fixture('leaf.key');
/** A PEM block with its base64 on one line and no final newline, as some tools write it. */
const oneLine = (pem: string) => {
  const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join('');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
};

describe('parsing the PEM blocks of an issue answer or a destination', () => {
  const cases = [
    { name: 'certificate, key and CA in Vault’s field order', text: `${LEAF}${KEY}${CA}`, want: { Cert: LEAF, Key: KEY, CA, CAChain: [CA] } },
    { name: 'any order, junk before and between blocks', text: `junk\n${CA}\nprivate_key_type rsa\n${KEY}serial 1a:2b\n${LEAF}`, want: { Cert: LEAF, Key: KEY, CA, CAChain: [CA] } },
    { name: 'the CA twice (issuing_ca and ca_chain) is one chain entry', text: `${CA}${LEAF}${CA}`, want: { Cert: LEAF, Key: '', CA, CAChain: [CA] } },
    { name: 'blocks are re-encoded in 64-character lines ending in a newline', text: oneLine(LEAF), want: { Cert: LEAF, Key: '', CA: '', CAChain: [] } },
    { name: 'no PEM at all', text: 'nothing here\n', want: { Cert: '', Key: '', CA: '', CAChain: [] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(parsePems(c.text).pems, c.want);
    });
  }

  it('gives the certificate’s validity, and none without a certificate', () => {
    const { validity } = parsePems(LEAF);
    assert.ok(validity && validity.notAfter > validity.notBefore);
    assert.equal(parsePems(CA).validity, undefined);
  });

  it('fails on a block that is neither a key nor a certificate', () => {
    const publicKey = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
    assert.throws(() => parsePems(publicKey), /^CtmplError: x509: /);
  });
});

describe('the renewal point (goodFor)', () => {
  const validity = { notBefore: 1_000_000, notAfter: 2_000_000 };
  const cases = [
    { name: 'a fresh certificate renews at 90 % of its lifetime', now: 1_100_000, want: 1_900_000 },
    { name: 'past 90 %: renew now', now: 1_900_000, want: undefined },
    { name: 'expired: renew now', now: 2_000_000, want: undefined },
    { name: 'no certificate: renew now', now: 1_100_000, want: undefined, validity: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(renewalAt('validity' in c ? c.validity : validity, c.now), c.want);
    });
  }
});
