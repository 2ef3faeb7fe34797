import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseHcl } from '../src/config/hcl.js';
import { flagKinds, parseFlags } from '../src/config/flags.js';
import { functionNames } from '../src/template/functions/index.js';
import { parseGoTemplate } from '../src/template/go/index.js';
import type { Flavor } from '../src/types/template.js';
import { cliPath, makeTempDir } from './support/cli.js';
import { codeBlocks, ctmplCommandLines, type CodeBlock } from './support/markdown-examples.js';
import { repoRoot } from './support/repo-root.js';

const pages = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const blocksOf = (page: string) => codeBlocks(page, readFileSync(join(repoRoot, page), 'utf8'));
const where = (block: CodeBlock) => `${block.page}:${block.line}`;

describe('the documentation', () => {
  it('has a page per topic', () => {
    for (const page of ['flags', 'functions', 'backends', 'modes', 'operations', 'migration']) assert.ok(pages.includes(`docs/${page}.md`), `docs/${page}.md`);
  });

  it('documents every template function in docs/functions.md', () => {
    const text = readFileSync(join(repoRoot, 'docs/functions.md'), 'utf8');
    // A function is documented by a code span that starts with its name: `getv "/key" ["default"]`.
    const documented = new Set([...text.matchAll(/`([A-Za-z_]\w*)[^`\n]*`/g)].map((match) => match[1]));
    // The sprig section's table lists the names without their prefix, several to a code span.
    const sprigSection = text.slice(text.indexOf('## sprig_*'), text.indexOf('\n## ', text.indexOf('## sprig_*') + 1));
    for (const [, span] of sprigSection.matchAll(/^\|[^|]*\|(.*)\|$/gm)) {
      for (const [, names] of span!.matchAll(/`([^`]*)`/g)) for (const name of names!.split(' ')) documented.add(`sprig_${name}`);
    }
    const names = new Set([...functionNames('confd'), ...functionNames('consul-template')]);
    const undocumented = [...names].filter((name) => !documented.has(name)).sort();
    assert.ok(undocumented.length === 0, `functions missing from docs/functions.md: ${undocumented.join(' ')}`);
  });

  it('documents every flag in docs/flags.md', () => {
    const text = readFileSync(join(repoRoot, 'docs/flags.md'), 'utf8');
    const undocumented = Object.keys(flagKinds()).filter((name) => !new RegExp(`\`-${name}\\b`).test(text));
    assert.ok(undocumented.length === 0, `flags missing from docs/flags.md: ${undocumented.join(' ')}`);
  });

  for (const page of pages) {
    describe(page, () => {
      const blocks = blocksOf(page);

      it('gives ctmpl only flags it has', () => {
        for (const block of blocks.filter((each) => each.lang === 'sh')) {
          for (const words of ctmplCommandLines(block)) {
            const args = words[0] === 'check' ? words.slice(1) : words;
            assert.doesNotThrow(() => parseFlags(args), `${where(block)}: ctmpl ${words.join(' ')}`);
          }
        }
      });

      it('shows templates that parse, and TOML, HCL and JSON that read', () => {
        for (const block of blocks) {
          if (block.lang === 'go-template' || /\.(tmpl|ctmpl|tpl)$/.test(String(block.attrs.get('file') ?? ''))) parseTemplate(block);
          else if (block.lang === 'toml') assert.doesNotThrow(() => parseToml(block.text), where(block));
          else if (block.lang === 'hcl') assert.doesNotThrow(() => parseHcl(block.text, where(block)), where(block));
          else if (block.lang === 'json') assert.doesNotThrow(() => JSON.parse(block.text), where(block));
        }
      });

      const examples = new Map<string, CodeBlock[]>();
      for (const block of blocks) examples.set(block.section, [...(examples.get(block.section) ?? []), block]);
      for (const [section, sectionBlocks] of examples) {
        if (!sectionBlocks.some((block) => block.attrs.has('run'))) continue;
        it(`runs the example of "${section}" as shown`, () => runExample(sectionBlocks));
      }
    });
  }
});

/** Parses a template block with its flavor's functions; one marked `invalid` must fail to. */
function parseTemplate(block: CodeBlock): void {
  const flavor = (block.attrs.get('flavor') ?? 'consul-template') as Flavor;
  const parse = () => parseGoTemplate('example', block.text, { funcNames: functionNames(flavor) });
  if (block.attrs.has('invalid')) assert.throws(parse, `${where(block)}: shown as invalid`);
  else assert.doesNotThrow(parse, where(block));
}

/** Writes the section's files, runs its `run` blocks in order and compares what they print and write. */
async function runExample(blocks: readonly CodeBlock[]): Promise<void> {
  const { dir, cleanup } = await makeTempDir('ctmpl-docs-');
  try {
    const bin = join(dir, '.bin');
    await mkdir(bin);
    await writeFile(join(bin, 'ctmpl'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
    await chmod(join(bin, 'ctmpl'), 0o755);
    let stdout: string | undefined;
    for (const block of blocks) {
      const file = block.attrs.get('file');
      const expected = block.attrs.get('expect');
      if (typeof file === 'string') {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await writeFile(join(dir, file), block.text);
      } else if (block.attrs.has('run')) {
        stdout = await runShell(block, dir, bin);
      } else if (block.attrs.has('output')) {
        assert.ok(stdout !== undefined, `${where(block)}: output shown before any run`);
        assert.equal(stdout, block.text, `${where(block)}: what the run printed`);
      } else if (typeof expected === 'string') {
        assert.equal(await readFile(join(dir, expected), 'utf8'), block.text, `${where(block)}: ${expected}`);
      }
    }
  } finally {
    await cleanup();
  }
}

/** Runs a block with `sh` in `dir`; resolves to its stdout with `dir` written as `.`. Fails on a non-zero status. */
function runShell(block: CodeBlock, dir: string, bin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir };
    execFile('sh', ['-c', block.text], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${where(block)}: ${error.message}\n${stderr}`));
      else resolve(stdout.replaceAll(`${dir}/`, '').replaceAll(dir, '.'));
    });
  });
}
