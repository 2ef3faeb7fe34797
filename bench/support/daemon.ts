import { startCli, type RunningCli } from '../../test/support/cli.js';

/**
 * Starts the CLI as a daemon, runs `body` with it, then stops it with SIGTERM. Rejects with
 * body's error (the daemon's output appended), else when the daemon did not exit 0.
 */
export async function withDaemon<T>(args: readonly string[], cwd: string, body: (cli: RunningCli) => Promise<T>): Promise<T> {
  const cli = startCli(args, { cwd });
  let result: T;
  try {
    result = await body(cli);
  } catch (error) {
    await cli.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- daemon output (tail) ---\n${cli.output().slice(-2000)}`, { cause: error });
  }
  const code = await cli.stop();
  if (code !== 0) throw new Error(`ctmpl ${args.join(' ')} exited ${code}: ${cli.output().slice(-2000)}`);
  return result;
}
