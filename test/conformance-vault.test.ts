import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli.js';
import { makeTempDir, readIfExists } from './support/cli.js';
import { findVault, startVault, type VaultServer } from './support/vault-server.js';

/**
 * The Vault conformance cases (test/fixtures/conformance/vault and vault-confd, see its
 * README): expected outputs came from consul-template 0.20.0 and confd against a real Vault
 * 1.7.3. Each runs through the CLI in-process against a real Vault loaded from setup.json.
 */
const conformanceRoot = fileURLToPath(new URL('./fixtures/conformance/', import.meta.url));
const LOOKUP_TIMEOUT_S = 3;

async function listCases(flavorDir: string): Promise<string[]> {
  return (await readdir(join(conformanceRoot, flavorDir), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

interface Outcome {
  readonly code: number;
  readonly stderr: string;
  readonly elapsedMs: number;
}

async function runCtmpl(argv: readonly string[], cwd: string): Promise<Outcome> {
  let stderr = '';
  const started = Date.now();
  const code = await run(argv, {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: { HOME: cwd },
    cwd,
    signal: new AbortController().signal,
  });
  return { code, stderr, elapsedMs: Date.now() - started };
}

/**
 * What the error must name: for Vault errors the peer's dependency (`vault.read(kv/nope)`),
 * for template errors the clause after its last "executing … at <…>: ".
 */
function expectedSubject(expectedErr: string): string {
  const dependency = /vault\.\w+\([^)]*\)/.exec(expectedErr);
  if (expectedErr.startsWith('never renders') && dependency) return dependency[0];
  const first = expectedErr.split('\n')[0]!;
  const reason = first.split(/>: /).slice(1).join('>: ') || first;
  return reason.replace(/^error calling \w+: /, '').trim();
}

async function checkOutcome(caseDir: string, dest: string, outcome: Outcome): Promise<void> {
  const expected = await readIfExists(join(caseDir, 'expected'));
  if (expected !== undefined) {
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(await readFile(dest, 'utf8'), expected);
    return;
  }
  const expectedErr = (await readFile(join(caseDir, 'expected.err'), 'utf8')).trim();
  assert.notEqual(outcome.code, 0, 'must fail');
  assert.equal(await readIfExists(dest), undefined, 'no destination written');
  const subject = expectedSubject(expectedErr);
  assert.ok(outcome.stderr.includes(subject), `stderr names "${subject}":\n${outcome.stderr}`);
  assert.ok(outcome.elapsedMs < (LOOKUP_TIMEOUT_S + 5) * 1000, `failed within the lookup timeout (took ${outcome.elapsedMs} ms)`);
  assert.ok(!outcome.stderr.includes('at async') && !outcome.stderr.includes('    at '), `no stack trace:\n${outcome.stderr}`);
}

const vault = findVault('Vault conformance');

describe('conformance with consul-template and confd against a real Vault', { skip: vault.skip }, async () => {
  let server: VaultServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    server = await startVault(vault.path);
    ({ dir, cleanup } = await makeTempDir('ctmpl-conf-vault-'));
  });
  after(async () => {
    await server?.close();
    await cleanup?.();
  });

  describe('consul-template cases (secret, secrets)', async () => {
    for (const name of await listCases('vault')) {
      it(name, async () => {
        const caseDir = join(conformanceRoot, 'vault', name);
        await server.reset();
        const token = await server.load(await readFile(join(caseDir, 'setup.json'), 'utf8'));
        const root = join(dir, 'vault', name);
        await mkdir(root, { recursive: true });
        await copyFile(join(caseDir, 'template.ctmpl'), join(root, 'template.ctmpl'));
        const outcome = await runCtmpl([
          '-once', '-vault-addr', server.address, '-vault-token', token, '-template', 'template.ctmpl:out',
          '-lookup-timeout', `${LOOKUP_TIMEOUT_S}s`, '-confdir', root,
        ], root);
        await checkOutcome(caseDir, join(root, 'out'), outcome);
      });
    }
  });

  describe('confd cases (vault backend, token auth)', async () => {
    for (const name of await listCases('vault-confd')) {
      it(name, async () => {
        const caseDir = join(conformanceRoot, 'vault-confd', name);
        await server.reset();
        await server.load(await readFile(join(caseDir, 'setup.json'), 'utf8'));
        const root = join(dir, 'vault-confd', name);
        const keys = (await readFile(join(caseDir, 'keys'), 'utf8')).split('\n').filter(Boolean);
        const prefix = (await readIfExists(join(caseDir, 'prefix')))?.trim();
        await mkdir(join(root, 'conf.d'), { recursive: true });
        await mkdir(join(root, 'templates'), { recursive: true });
        const toml = ['[template]', 'src = "template.tmpl"', 'dest = "out"', `keys = ${JSON.stringify(keys)}`, ...(prefix ? [`prefix = ${JSON.stringify(prefix)}`] : [])];
        await writeFile(join(root, 'conf.d', 't.toml'), `${toml.join('\n')}\n`);
        await copyFile(join(caseDir, 'template.tmpl'), join(root, 'templates', 'template.tmpl'));
        const outcome = await runCtmpl([
          '-onetime', '-backend', 'vault', '-node', server.address, '-auth-type', 'token', '-auth-token', 'root', '-confdir', root,
          '-lookup-timeout', `${LOOKUP_TIMEOUT_S}s`,
        ], root);
        await checkOutcome(caseDir, join(root, 'out'), outcome);
      });
    }
  });
});
