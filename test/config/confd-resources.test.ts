import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadResourceFile } from '../../src/config/confd-resources.js';
import { makeTempDir } from '../support/cli.js';

const resourceToml = (extra: string) => `[template]\nsrc = "t.tmpl"\ndest = "out.conf"\n${extra}`;

describe('conf.d command_timeout', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  const accepted = [
    { name: 'a duration string', line: 'command_timeout = "2s"', ms: 2_000 },
    { name: 'a number of seconds', line: 'command_timeout = 3', ms: 3_000 },
    { name: 'a compound duration', line: 'command_timeout = "1m30s"', ms: 90_000 },
  ];
  for (const { name, line, ms } of accepted) {
    it(`honours ${name} as the resource's check and reload timeout`, async () => {
      const file = join(dir, `${ms}.toml`);
      await writeFile(file, resourceToml(`${line}\n`));
      const resource = await loadResourceFile(file, { confdir: dir, prefix: '/', cwd: dir });
      assert.equal(resource.commandTimeoutMs, ms);
    });
  }

  const refused = [
    { name: 'a negative duration', line: 'command_timeout = "-5s"' },
    { name: 'zero', line: 'command_timeout = 0' },
    { name: 'a word', line: 'command_timeout = "soon"' },
  ];
  for (const { name, line } of refused) {
    it(`refuses ${name} with the file and line`, async () => {
      const file = join(dir, 'bad.toml');
      await writeFile(file, resourceToml(`${line}\n`));
      await assert.rejects(loadResourceFile(file, { confdir: dir, prefix: '/', cwd: dir }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG');
        assert.match(error.message, /^bad\.toml:4: "command_timeout" must be a duration greater than 0/);
        return true;
      });
    });
  }
});
