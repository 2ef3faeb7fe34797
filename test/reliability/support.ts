import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * A destination rendered from `rendered(version)` is whole when it reads `begin N`, the padding,
 * then `end N`: a torn or partly written file cannot pass. Padding makes each write span many pages.
 */
export const padding = 'x'.repeat(64 * 1024);
export const versionTemplate = (lookup: string) => `begin {{ ${lookup} }}\n${padding}\nend {{ ${lookup} }}\n`;

/** The version of a whole file, or undefined when it is torn (or not ours). */
function versionOf(text: string): number | undefined {
  const lines = text.split('\n');
  const [begin, body, end, last] = lines;
  if (lines.length !== 4 || last !== '' || body !== padding) return undefined;
  const version = /^begin (\d+)$/.exec(begin ?? '')?.[1];
  return version !== undefined && end === `end ${version}` ? Number(version) : undefined;
}

/**
 * Reads the destination over and over while `isRunning()`; checks that every read is whole and
 * that versions never go backwards. Resolves with what it saw.
 */
export async function readContinuously(path: string, isRunning: () => boolean): Promise<{ reads: number; torn: string[]; backwards: string[]; highest: number }> {
  let reads = 0;
  let highest = 0;
  const torn: string[] = [];
  const backwards: string[] = [];
  while (isRunning()) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      reads += 1;
      const version = versionOf(text);
      if (version === undefined) torn.push(`${text.length} bytes: ${text.slice(0, 20)}…${text.slice(-20)}`);
      else if (version < highest) backwards.push(`${version} after ${highest}`);
      else highest = version;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { reads, torn, backwards, highest };
}

/** Replaces a data file atomically, as a careful producer does. */
export async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.next`, text);
  await rename(`${path}.next`, path);
}

/** Resolves after `ms`; for pacing load (a rate), never for waiting on a condition. */
export const pace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random whole number in [min, max]. */
export const randomBetween = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
