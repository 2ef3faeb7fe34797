import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseFlags } from '../../src/config/flags.js';
import { loadConfig } from '../../src/config/load.js';
import { vaultTokenFromEnv } from '../../src/backends/vault/token-source.js';
import { vaultTableToFlags } from '../../src/config/vault.js';

describe('Vault settings', () => {
  it('flags set every consul-template vault option', async () => {
    const flags = parseFlags([
      '-template', 'in.ctmpl:out.conf', '-vault-addr', 'https://v:8200', '-vault-token', 't', '-vault-renew-token=false', '-vault-unwrap-token',
      '-vault-retry-attempts', '3', '-vault-retry-backoff', '1s', '-vault-retry-max-backoff', '5s', '-vault-ssl-verify=false',
      '-vault-ssl-ca-cert', 'ca.pem', '-vault-default-lease-duration', '2m',
    ]);
    const { config } = await loadConfig(flags, tmpdir());
    assert.deepEqual(config.vault, {
      address: 'https://v:8200', token: 't', renewToken: false, unwrapToken: true,
      retry: { enabled: true, attempts: 3, backoffMs: 1000, maxBackoffMs: 5000 },
      ssl: { verify: false, caCert: 'ca.pem' }, defaultLeaseMs: 120_000,
    });
  });

  it('a vault {} table in the config file sets the same options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctmpl-vault-config-'));
    try {
      await writeFile(join(dir, 'ctmpl.toml'), '[vault]\naddress = "http://v:1"\nrenew_token = false\n[vault.retry]\nattempts = 2\n[vault.ssl]\nca_cert = "c.pem"\n');
      const { config } = await loadConfig(parseFlags(['-confdir', dir, '-template', 'in.ctmpl:out.conf']), dir);
      assert.equal(config.vault.address, 'http://v:1');
      assert.equal(config.vault.renewToken, false);
      assert.equal(config.vault.retry.attempts, 2);
      assert.equal(config.vault.ssl.caCert, 'c.pem');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unknown key in the vault table fails naming it', () => {
    assert.throws(() => vaultTableToFlags({ adress: 'x' }, 'ctmpl.toml'), /ctmpl\.toml: unknown key "vault\.adress"/);
  });

  it('the token comes from VAULT_TOKEN, then ~/.vault-token', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ctmpl-vault-home-'));
    try {
      assert.equal(vaultTokenFromEnv({ HOME: home }), undefined);
      await writeFile(join(home, '.vault-token'), 's.file\n');
      assert.equal(vaultTokenFromEnv({ HOME: home }), 's.file');
      assert.equal(vaultTokenFromEnv({ HOME: home, VAULT_TOKEN: 's.env' }), 's.env');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('-watch with the vault backend is a usage error saying why', async () => {
    await assert.rejects(loadConfig(parseFlags(['-backend', 'vault', '-watch']), tmpdir()), /the vault backend has no change feed/);
  });
});
