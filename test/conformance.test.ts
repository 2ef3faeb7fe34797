import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readIfExists, runCliInProcess } from './support/cli.js';
import { startTestConsul, type TestConsul } from './support/consul-agent.js';
import type { SimulatorSetup } from './support/consul-simulator.js';
import { writeConfdir } from './support/confdir.js';

/**
 * The cases in test/fixtures/conformance (copied by tools/sync-fixtures.mjs) were
 * produced by the real confd and consul-template; every one runs through our CLI (in process: the
 * process boundary is tested elsewhere) and must match byte for byte (or fail cleanly for
 * expected.err). The consul cases run on a real Consul agent when `consul` is on PATH.
 */
const conformanceRoot = fileURLToPath(new URL('./fixtures/conformance/', import.meta.url));

async function listCases(flavorDir: string): Promise<string[]> {
  return (await readdir(join(conformanceRoot, flavorDir), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The key clause of the peer's error message: what follows its last "executing … at <…>: ". */
function peerReason(expectedErr: string): string {
  const first = expectedErr.split('\n')[0]!;
  const afterAt = first.split(/>: /).slice(1).join('>: ');
  const reason = afterAt || first.replace(/^.*?template: [^:]*:\d+(:\d+)?: /, '');
  return reason.replace(/^error calling \w+: /, '').trim();
}

async function checkOutcome(caseDir: string, dest: string, result: { code: number | null; stderr: string }): Promise<void> {
  const expected = await readIfExists(join(caseDir, 'expected'));
  if (expected !== undefined) {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await readFile(dest, 'utf8'), expected);
    return;
  }
  const expectedErr = (await readFile(join(caseDir, 'expected.err'), 'utf8')).trim();
  assert.notEqual(result.code, 0, 'must fail');
  assert.equal(await readIfExists(dest), undefined, 'no destination written');
  assert.ok(result.stderr.trim().length > 0, 'a message on stderr');
  const reason = peerReason(expectedErr);
  if (!reason.startsWith('never renders')) assert.ok(result.stderr.includes(reason), `stderr names "${reason}":\n${result.stderr}`);
}

describe('conformance with confd (go-template cases, file backend)', async () => {
  const cases = await listCases('go-template');
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir('ctmpl-conf-')));
  after(() => cleanup());

  for (const name of cases) {
    it(name, async () => {
      const caseDir = join(conformanceRoot, 'go-template', name);
      const root = join(dir, name);
      const keys = (await readIfExists(join(caseDir, 'keys')))?.split('\n').filter(Boolean) ?? ['/'];
      const prefix = (await readIfExists(join(caseDir, 'prefix')))?.trim();
      const toml = [
        '[template]', 'src = "t.tmpl"', 'dest = "out"', `keys = ${JSON.stringify(keys)}`,
        ...(prefix ? [`prefix = ${JSON.stringify(prefix)}`] : []),
      ].join('\n');
      await writeConfdir(root, { resources: { 't.toml': `${toml}\n` } });
      await copyFile(join(caseDir, 'template.tmpl'), join(root, 'templates', 't.tmpl'));
      const result = await runCliInProcess(['-onetime', '-confdir', root, '-backend', 'file', '-file', join(caseDir, 'data.yaml')], { cwd: root });
      await checkOutcome(caseDir, join(root, 'out'), result);
    });
  }
});

describe('conformance with consul-template (consul cases, real Consul agent or simulator)', async () => {
  const cases = await listCases('consul');
  let dir: string;
  let cleanup: () => Promise<void>;
  let consul: TestConsul;
  let loaded: string | undefined;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir('ctmpl-conf-'));
    consul = await startTestConsul('consul conformance cases');
  });
  after(async () => {
    await consul?.close();
    await cleanup();
  });

  /** Loads a case's setup.json unless the agent already holds the same (every case shares one today). */
  async function loadSetup(text: string): Promise<void> {
    if (loaded === text) return;
    await consul.clear();
    await consul.load(JSON.parse(text) as SimulatorSetup);
    loaded = text;
  }

  for (const name of cases) {
    it(name, async () => {
      const caseDir = join(conformanceRoot, 'consul', name);
      await loadSetup(await readFile(join(caseDir, 'setup.json'), 'utf8'));
      const env = JSON.parse((await readIfExists(join(caseDir, 'env.json'))) ?? '{}') as Record<string, string>;
      const root = join(dir, name);
      await writeConfdir(root, {});
      await writeFile(join(root, 'template.ctmpl'), await readFile(join(caseDir, 'template.ctmpl')));
      const result = await runCliInProcess(
        ['-once', '-template', 'template.ctmpl:out', '-consul-addr', `127.0.0.1:${consul.port}`, '-lookup-timeout', '1s', '-confdir', root],
        { cwd: root, env },
      );
      await checkOutcome(caseDir, join(root, 'out'), result);
    });
  }
});
