import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWorldReadable, maskSecretLines, secretValuesOf } from '../../src/runner/secrets.js';
import { dependencyKey } from '../../src/types/dependency.js';

const MASK = '*** (a value read from Vault; -show-secrets shows it)';

describe('masking secret values in dry-run diffs', () => {
  const cases = [
    { name: 'an added line carrying a secret is masked', lines: ['+password=hunter22'], want: [`+${MASK}`] },
    { name: 'the removed line of the same change goes with it', lines: ['-password=old', '+password=hunter22'], want: [`-${MASK}`, `+${MASK}`] },
    { name: 'context lines carrying a secret are masked', lines: [' user=hunter22', '+x=1'], want: [` ${MASK}`, '+x=1'] },
    { name: 'lines without secrets stay readable', lines: ['-port=1', '+port=2', ' host=a'], want: ['-port=1', '+port=2', ' host=a'] },
    { name: 'file headers and hunk headers are never masked', lines: ['--- out', '+++ out', '@@ -1 +1 @@'], want: ['--- out', '+++ out', '@@ -1 +1 @@'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(maskSecretLines(c.lines, ['hunter22']), c.want));

  it('no secrets, nothing masked', () => assert.deepEqual(maskSecretLines(['+a'], []), ['+a']));

  const modes = [
    { mode: 0o644, want: true },
    { mode: 0o640, want: false },
    { mode: 0o600, want: false },
    { mode: 0o604, want: true },
  ];
  for (const { mode, want } of modes) it(`mode 0${mode.toString(8)} is ${want ? '' : 'not '}world-readable`, () => assert.equal(isWorldReadable(mode), want));
});

describe('the values a render took from Vault', () => {
  it('include the private key of a pkiCert certificate, line by line, and not the public certificate', () => {
    const dep = { type: 'vault.pki', path: 'pki/issue/web', data: {}, dest: '/tls/web.pem' } as const;
    const cert = { Cert: '-----BEGIN CERTIFICATE-----\nPUBLICPART\n-----END CERTIFICATE-----\n', Key: '-----BEGIN EC PRIVATE KEY-----\nSECRETPART1\nSECRETPART2\n-----END EC PRIVATE KEY-----\n', CA: '', CAChain: [] };
    const values = secretValuesOf(new Map([[dependencyKey(dep), dep]]), new Map([[dependencyKey(dep), cert]]));
    assert.ok(values.includes('SECRETPART1') && values.includes('SECRETPART2'));
    assert.ok(!values.includes('PUBLICPART'));
  });
});
