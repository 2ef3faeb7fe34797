import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run } from '../../src/cli.js';
import { makeTempDir, startCli, waitFor, type RunningCli } from '../support/cli.js';
import { writeConfdir } from '../support/confdir.js';
import { freePort } from '../support/ports.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';

/** Resolves with the exit code, or rejects when the process has not exited `ms` after the signal. */
async function exitAfterSigterm(cli: RunningCli, ms = 5_000): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => {
    if (cli.child.exitCode !== null) resolve(cli.child.exitCode);
    cli.child.on('exit', (code) => resolve(code));
  });
  cli.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`still running ${ms} ms after SIGTERM:\n${cli.output()}`));
    }, ms);
  });
  try {
    return await Promise.race([exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('SIGTERM at every moment of start-up', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let silent: SilentServer;
  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    silent = await startSilentServer();
    await writeConfdir(dir, { files: { 'k.ctmpl': '{{key "app/x"}}\n', 'data.yaml': 'app:\n  x: 1\n' } });
  });
  after(async () => {
    await silent.close();
    await cleanup();
  });

  const abortedBeforeListening = [
    { name: 'a daemon run', args: () => ['-backend', 'file', '-file', join(dir, 'data.yaml'), '-template', 'k.ctmpl:early.conf', '-watch'] },
    { name: 'a once run on a backend that never answers', args: () => ['-once', '-template', 'k.ctmpl:early-once.conf', '-consul-addr', silent.address, '-lookup-timeout', '60s'] },
  ];
  for (const { name, args } of abortedBeforeListening) {
    it(`ends ${name} whose signal aborted before anything listened for it, with status 0`, { timeout: 30_000 }, async () => {
      const controller = new AbortController();
      controller.abort();
      const stderr: string[] = [];
      const code = await run(args(), {
        stdout: { write: () => true },
        stderr: { write: (text: string) => stderr.push(text) },
        env: {},
        cwd: dir,
        signal: controller.signal,
      });
      assert.equal(code, 0, stderr.join(''));
    });
  }

  const moments = [
    {
      name: 'while once mode waits for a backend that accepted the connection but never answers',
      args: () => ['-once', '-template', 'k.ctmpl:once.conf', '-consul-addr', silent.address, '-lookup-timeout', '60s'],
      reached: (_cli: RunningCli, connectionsBefore: number) => silent.connections > connectionsBefore,
    },
    {
      name: 'while the daemon\'s first read waits for a backend that never answers',
      args: () => ['-template', 'k.ctmpl:silent.conf', '-consul-addr', silent.address],
      reached: (_cli: RunningCli, connectionsBefore: number) => silent.connections > connectionsBefore,
    },
    {
      name: 'while the daemon retries an unreachable backend',
      args: async () => ['-template', 'k.ctmpl:down.conf', '-consul-addr', `127.0.0.1:${await freePort()}`],
      reached: (cli: RunningCli) => /retrying; keeping the last good data/.test(cli.output()),
    },
    {
      name: 'while -wait holds the first render',
      args: () => ['-backend', 'file', '-file', join(dir, 'data.yaml'), '-template', 'k.ctmpl:wait.conf', '-watch', '-wait', '1m'],
      reached: (cli: RunningCli) => /watching 1 template/.test(cli.output()),
    },
  ];
  for (const moment of moments) {
    it(`exits 0 promptly ${moment.name}`, { timeout: 60_000 }, async () => {
      const connectionsBefore = silent.connections;
      const cli = startCli(await moment.args(), { cwd: dir });
      await waitFor(() => moment.reached(cli, connectionsBefore), moment.name, 30_000);
      assert.equal(await exitAfterSigterm(cli), 0, cli.output());
    });
  }
});
