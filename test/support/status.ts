import type { DaemonStatus, TemplateStatus } from '../../src/runner/status.js';

/** Reads the daemon's /status answer. */
export async function readStatus(port: number): Promise<DaemonStatus> {
  return (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as DaemonStatus;
}

/** The status of the template writing `destination` (a suffix of its path), or undefined. */
export async function templateStatus(port: number, destination: string): Promise<TemplateStatus | undefined> {
  return (await readStatus(port)).templates.find((template) => template.destination.endsWith(destination));
}
