import { execFile } from 'node:child_process';
import type { Logger } from '../log.js';

/**
 * Tells systemd (Type=notify) that ctmpl is ready, when NOTIFY_SOCKET is set. Node cannot send
 * on a unix datagram socket without a native module, so this runs `systemd-notify --ready`
 * naming ctmpl's pid; the unit needs NotifyAccess=all (examples/systemd/ctmpl.service has it).
 * Never throws: a failed notification is logged, and systemd's start timeout reports it too.
 */
export function notifyReady(env: Readonly<Record<string, string | undefined>>, logger: Logger, pid = process.pid): Promise<void> {
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return Promise.resolve();
  return new Promise((resolve) => {
    execFile('systemd-notify', ['--ready', `--pid=${pid}`], { env: { ...env, NOTIFY_SOCKET: socket } as NodeJS.ProcessEnv, timeout: 10_000 }, (error, _stdout, stderr) => {
      if (error) logger.error('systemd', `cannot notify readiness on ${socket}: ${(stderr || error.message).trim()}`);
      else logger.debug('systemd', `READY=1 sent to ${socket}`);
      resolve();
    });
  });
}
