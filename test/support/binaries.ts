import { execFileSync } from 'node:child_process';

/**
 * Finds a server binary on PATH for a test suite. Outside CI a missing binary skips the suite
 * loudly (naming the Debian package, or `howToInstall` for what Debian does not package); under
 * CI=true it fails the run.
 * Returns the binary's path, or a skip reason for `describe(name, { skip })`.
 */
export function findBinary(binary: string, debianPackage: string, suite: string, howToInstall?: string): { path?: string; skip?: string } {
  try {
    const path = execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim();
    if (path) return { path };
  } catch {
    // not found: handled below
  }
  const reason = `${suite}: '${binary}' not on PATH; ${howToInstall ?? `install it with: apt-get install -y ${debianPackage}`}`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI)`);
  process.stderr.write(`SKIPPING ${reason}\n`);
  return { skip: reason };
}
