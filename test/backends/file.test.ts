import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createFileBackend, readAll } from '../../src/backends/file.js';
import { findBinary } from '../support/binaries.js';

/**
 * test/fixtures/yaml-v2/scalars.json: plain YAML scalars and the value the real confd's file
 * backend (yaml.v2 2.4, nodeWalk) gives each one, null when it drops the key.
 */
const SCALARS: readonly [scalar: string, confd: string | null][] = JSON.parse(
  await readFile(new URL('../fixtures/yaml-v2/scalars.json', import.meta.url), 'utf8'),
);

const dataYaml = (scalars: readonly string[]) => scalars.map((s, i) => `s${String(i).padStart(3, '0')}: ${s}\n`).join('');

describe('file backend reads YAML as confd (yaml.v2) does', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'ctmpl-file-backend-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function read(text: string): Promise<Map<string, string>> {
    const file = join(dir, `data-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    return readAll([file]);
  }

  it('resolves every recorded plain scalar to the value confd gives it', async () => {
    const values = await read(dataYaml(SCALARS.map(([scalar]) => scalar)));
    const wrong = SCALARS.flatMap(([scalar, want], i) => {
      const got = values.get(`/s${String(i).padStart(3, '0')}`) ?? null;
      return got === want ? [] : [`${scalar}: ${got} (confd: ${want})`];
    });
    assert.deepEqual(wrong, []);
  });

  const cases: readonly [name: string, yaml: string, want: Record<string, string>][] = [
    ['quoted scalars stay as written', 'a: "0755"\nb: \'yes\'\nc: !!str 010\n', { '/a': '0755', '/b': 'yes', '/c': '010' }],
    ['merge keys copy the anchored map', 'base: &b {x: on}\nsite:\n  <<: *b\n  z: 1\n', { '/base/x': 'true', '/site/x': 'true', '/site/z': '1' }],
    ['keys are joined with path.Join (cleaned)', 'a:\n  "../b": 1\n  "./c/": 2\n  "": 3\n', { '/b': '1', '/a/c': '2', '/a': '3' }],
    ['list items are indexed, nulls dropped', 'l: [x, ~, 0x10]\n', { '/l/0': 'x', '/l/2': '16' }],
    ['a timestamp stays the text it is written as', 't: 2001-12-14 21:59:43.10\n', { '/t': '2001-12-14 21:59:43.10' }],
  ];
  for (const [name, yaml, want] of cases) it(name, async () => assert.deepEqual(Object.fromEntries(await read(yaml)), want));

  it('refuses a key that is not a string, where confd panics', async () => {
    await assert.rejects(read('yes: 1\n'), /key true under \/ is not a string/);
    await assert.rejects(read('ports:\n  80: web\n'), /key 80 under \/ports is not a string/);
  });

  it("lists a confd resource's key as confd's GetValues does: by text, so /app takes /apple", async () => {
    const file = join(dir, 'listing.yaml');
    await writeFile(file, 'app:\n  x: 1\napple:\n  z: 2\n');
    const backend = createFileBackend({ files: [file] });
    const signal = new AbortController().signal;
    const confdKey = await backend.snapshot({ type: 'kv.list', prefix: '/app', siblings: true }, signal);
    const templateList = await backend.snapshot({ type: 'kv.list', prefix: '/app' }, signal);
    assert.deepEqual([...(confdKey.data as Map<string, string>).keys()], ['/app/x', '/apple/z']);
    assert.deepEqual([...(templateList.data as Map<string, string>).keys()], ['/app/x']);
  });

  it('refuses a document that is not a map, as confd does', async () => {
    await assert.rejects(read('- a\n- b\n'), /the document is a list, not a map/);
  });
});

const confd = findBinary('confd', 'confd (no Debian package: build kelseyhightower/confd and put it on PATH)', 'file backend against confd');

describe('file backend against the real confd', { skip: confd.skip }, () => {
  it('reads the recorded scalars as the confd on PATH does today', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctmpl-file-confd-'));
    try {
      await mkdir(join(dir, 'conf.d'));
      await mkdir(join(dir, 'templates'));
      const dataFile = join(dir, 'data.yaml');
      await writeFile(dataFile, dataYaml(SCALARS.map(([scalar]) => scalar)));
      await writeFile(join(dir, 'templates', 't.tmpl'), '{{range gets "/*"}}{{.Key}}={{.Value}}\n{{end}}');
      await writeFile(join(dir, 'conf.d', 't.toml'), `[template]\nsrc = "t.tmpl"\ndest = ${JSON.stringify(join(dir, 'out'))}\nkeys = ["/"]\n`);
      await promisify(execFile)(confd.path!, ['-onetime', '-backend', 'file', '-file', dataFile, '-confdir', dir, '-log-level', 'panic']);
      const fromConfd = (await readFile(join(dir, 'out'), 'utf8')).split('\n').filter(Boolean);
      const fromCtmpl = [...(await readAll([dataFile]))].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
      assert.deepEqual(fromCtmpl, fromConfd);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
