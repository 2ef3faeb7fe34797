import type { PkiCert, VaultSecret } from '../types/vault.js';
import { dependencyKey, type Dependency } from '../types/dependency.js';
import { JsonNumber, type JsonValue } from '../json-number.js';

/**
 * Values a render took from Vault, so a dry-run diff can hide the lines that carry them and
 * the writer can warn when they land in a world-readable file.
 */

/** Shorter values (a "1", "true") would mask lines that hold no secret at all. */
const MIN_SECRET_LENGTH = 4;

/**
 * Every string of the Vault secrets among `used` (data fields, tokens), one line each for
 * multi-line values; with `isVaultStore` (confd's vault backend) every KV value too.
 */
export function secretValuesOf(used: ReadonlyMap<string, Dependency>, snapshots: ReadonlyMap<string, unknown>, isVaultStore = false): string[] {
  const values = new Set<string>();
  const add = (text: string) => {
    for (const line of text.split('\n')) if (line.trim().length >= MIN_SECRET_LENGTH) values.add(line.trim());
  };
  for (const dep of used.values()) {
    if (isVaultStore && (dep.type === 'kv.get' || dep.type === 'kv.list')) {
      const data = snapshots.get(dependencyKey(dep));
      if (typeof data === 'string') add(data);
      else if (data instanceof Map) for (const value of (data as ReadonlyMap<string, string>).values()) add(value);
      continue;
    }
    if (dep.type === 'vault.pki') {
      const cert = snapshots.get(dependencyKey(dep)) as PkiCert | undefined;
      if (cert) add(cert.Key);
      continue;
    }
    if (dep.type !== 'vault.read' && dep.type !== 'vault.write') continue;
    const secret = snapshots.get(dependencyKey(dep)) as VaultSecret | undefined;
    if (!secret) continue;
    collectStrings(secret.Data, add);
    if (secret.Auth) [secret.Auth.ClientToken, secret.Auth.Accessor].forEach(add);
    if (secret.WrapInfo) add(secret.WrapInfo.Token);
  }
  return [...values];
}

function collectStrings(value: JsonValue | undefined, add: (text: string) => void): void {
  if (typeof value === 'string') add(value);
  else if (value instanceof JsonNumber || value === null || typeof value === 'boolean' || value === undefined) return;
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, add);
  else for (const item of (value as ReadonlyMap<string, JsonValue>).values()) collectStrings(item, add);
}

const MASK = '*** (a value read from Vault; -show-secrets shows it)';

/**
 * Masks the diff lines that carry a secret. Within one run of changed lines, once an added
 * line is masked its removed lines are too: they usually hold the rotated-out value.
 */
export function maskSecretLines(lines: readonly string[], secrets: readonly string[]): string[] {
  if (secrets.length === 0) return [...lines];
  const carries = (line: string) => secrets.some((secret) => line.includes(secret));
  const out = [...lines];
  let runStart = -1;
  let runHasSecret = false;
  const closeRun = (end: number) => {
    if (runStart >= 0 && runHasSecret) {
      for (let i = runStart; i < end; i++) if (out[i]!.startsWith('-')) out[i] = `-${MASK}`;
    }
    runStart = -1;
    runHasSecret = false;
  };
  lines.forEach((line, i) => {
    const isChange = (line.startsWith('+') || line.startsWith('-')) && !line.startsWith('+++') && !line.startsWith('---');
    if (!isChange) {
      closeRun(i);
      if (line.startsWith(' ') && carries(line)) out[i] = ` ${MASK}`;
      return;
    }
    if (runStart < 0) runStart = i;
    if (carries(line)) {
      out[i] = `${line[0]}${MASK}`;
      runHasSecret ||= line.startsWith('+');
    }
  });
  closeRun(lines.length);
  return out;
}

/** Whether a file of this mode can be read by every user. */
export function isWorldReadable(mode: number): boolean {
  return (mode & 0o004) !== 0;
}
