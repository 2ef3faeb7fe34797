import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readIfExists, startCli, startInProcess, waitFor } from '../support/cli.js';

const childScript = resolve(fileURLToPath(new URL('../fixtures/exec/child.mjs', import.meta.url)));

/** One exec-mode run in the background: its output, its result, and a way to signal it. */
interface ExecRun {
  readonly root: string;
  readonly result: Promise<{ code: number; stdout: string; stderr: string }>;
  stderr(): string;
  log(): Promise<string[]>;
  setValue(value: string): Promise<void>;
  signal(name: NodeJS.Signals): void;
}

describe('exec mode (-exec)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let counter = 0;
  const running: ExecRun[] = [];
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(async () => {
    for (const run of running) run.signal('SIGTERM');
    await Promise.allSettled(running.map((run) => run.result));
    await cleanup();
  });

  async function startExec(value: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ExecRun> {
    const root = join(dir, `case-${++counter}`);
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'in.ctmpl'), 'value={{ key "v" | parseInt }}\n');
    const setValue = (next: string) => writeFile(join(root, 'data.yaml'), `v: "${next}"\n`);
    await setValue(value);
    const controller = new AbortController();
    const argv = [
      '-template', 'in.ctmpl:out.conf', '-backend', 'file', '-file', 'data.yaml', '-watch', '-log-level', 'debug',
      '-exec', `"${process.execPath}" "${childScript}" child.log out.conf`, ...extraArgs,
    ];
    const cli = startInProcess(argv, { cwd: root, env: { PATH: process.env.PATH, ...env }, signal: controller.signal });
    const run: ExecRun = {
      root,
      result: cli.result,
      stderr: cli.stderr,
      log: async () => ((await readIfExists(join(root, 'child.log'))) ?? '').split('\n').filter(Boolean),
      setValue,
      signal: (name) => controller.abort(new DOMException(name, 'AbortError')),
    };
    running.push(run);
    return run;
  }

  const starts = (lines: string[]) => lines.filter((line) => line.startsWith('start '));

  it('starts the child after the first render and restarts it on a change', async () => {
    const run = await startExec('1');
    await waitFor(async () => starts(await run.log()).length === 1, 'the child started');
    assert.match((await run.log())[0]!, /^start \d+ value=1$/);
    await run.setValue('2');
    await waitFor(async () => starts(await run.log()).length === 2, 'the child restarted');
    const lines = await run.log();
    assert.deepEqual(lines.map((line) => line.replace(/ \d+ /, ' PID ')), ['start PID value=1', 'term', 'start PID value=2']);
    run.signal('SIGTERM');
    assert.equal((await run.result).code, 0);
  });

  it('sends the reload signal instead of restarting when one is given', async () => {
    const run = await startExec('1', ['-exec-reload-signal', 'SIGHUP']);
    await waitFor(async () => starts(await run.log()).length === 1, 'the child started');
    await run.setValue('5');
    await waitFor(async () => (await run.log()).includes('hup value=5'), 'the child got SIGHUP');
    assert.equal(starts(await run.log()).length, 1);
    run.signal('SIGTERM');
    await run.result;
  });

  it('forwards SIGTERM to the child and exits with its status', async () => {
    const run = await startExec('1', [], { CHILD_TERM_STATUS: '7' });
    await waitFor(async () => starts(await run.log()).length === 1, 'the child started');
    run.signal('SIGTERM');
    const result = await run.result;
    assert.equal(result.code, 7, result.stderr);
    assert.equal((await run.log()).at(-1), 'term');
  });

  it('forwards real SIGUSR2 and SIGTERM sent to the ctmpl process and exits with the child status', async () => {
    const root = join(dir, 'process');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'in.ctmpl'), 'value={{ key "v" }}\n');
    await writeFile(join(root, 'data.yaml'), 'v: "1"\n');
    const cli = startCli(
      ['-template', 'in.ctmpl:out.conf', '-backend', 'file', '-file', 'data.yaml', '-exec', `"${process.execPath}" "${childScript}" child.log out.conf`],
      { cwd: root, env: { CHILD_TERM_STATUS: '9' } },
    );
    await waitFor(async () => /^start /m.test((await readIfExists(join(root, 'child.log'))) ?? ''), 'the child started');
    cli.child.kill('SIGUSR2');
    await waitFor(async () => /^usr2$/m.test((await readIfExists(join(root, 'child.log'))) ?? ''), 'SIGUSR2 forwarded');
    assert.equal(await cli.stop(), 9, cli.output());
    assert.match((await readIfExists(join(root, 'child.log'))) ?? '', /\nterm\n$/);
  });

  it('exits with the status of a child that exits on its own', async () => {
    const run = await startExec('1', [], { CHILD_EXIT_STATUS: '3' });
    const result = await run.result;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /child exited with status 3/);
  });

  it('never starts or restarts the child after a failed render', async () => {
    const run = await startExec('not-a-number');
    await waitFor(() => failedRenders(run) === 1, 'the failed render');
    assert.deepEqual(await run.log(), []);
    await run.setValue('1');
    await waitFor(async () => starts(await run.log()).length === 1, 'the child started once the render worked');
    await run.setValue('bad');
    await waitFor(() => failedRenders(run) === 2, 'the second failed render');
    assert.equal(starts(await run.log()).length, 1);
    assert.equal(await readIfExists(join(run.root, 'out.conf')), 'value=1\n');
    run.signal('SIGTERM');
    await run.result;
  });
});

function failedRenders(run: ExecRun): number {
  return (run.stderr().match(/keeping the last good file/g) ?? []).length;
}
