import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CtmplError, messageOf } from '../../errors.js';
import type { JsonValue } from '../../json-number.js';
import { sleep } from '../../sleep.js';
import { dependencyKey, type Dependency } from '../../types/dependency.js';
import type { PkiCert } from '../../types/vault.js';
import type { Snapshot } from '../backend.js';
import type { VaultClient } from './client.js';

/**
 * consul-template's VaultPKIQuery (dependency/vault_pki.go): the certificate a template's
 * destination already holds is used while it is good; at 90 % of its lifetime (or when the
 * destination holds none) a write to the PKI path issues a new one. Nothing is written here:
 * the destination is the cache, and the template writes it.
 */

type PkiDependency = Extract<Dependency, { type: 'vault.pki' }>;

/**
 * consul-template's default `lease_renewal_threshold`. Its PKI code also means to add ±3 %
 * jitter, but computes it with integer division, so the jitter is always 0; so is ours.
 */
const RENEWAL_THRESHOLD = 0.9;
/** Node timers overflow past 2^31-1 ms (~24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

export interface PkiOptions {
  readonly client: VaultClient;
  readonly log: (level: 'warn', message: string) => void;
}

/** The certificate the template sees now: the destination's if still good, else a new one. */
export async function pkiSnapshot(dep: PkiDependency, options: PkiOptions, signal: AbortSignal): Promise<Snapshot> {
  const cached = await readCached(dep.dest);
  const fromFile = cached === undefined ? undefined : parsePems(cached);
  if (fromFile && renewalAt(fromFile.validity, Date.now()) !== undefined) return snapshotOf(fromFile, Date.now());
  const issued = parsePems(await issue(dep, options, signal));
  if (renewalAt(issued.validity, Date.now()) === undefined) throw new CtmplError('BACKEND', 'needs renewal');
  return snapshotOf(issued, Date.now());
}

/** Sleeps until each certificate's renewal point, then yields the next one. */
export async function* pkiChanges(dep: PkiDependency, cursor: string, options: PkiOptions, signal: AbortSignal): AsyncGenerator<Snapshot> {
  let last = cursor;
  while (!signal.aborted) {
    await sleepUntil(Number(last.split(':')[0]) || 0, signal);
    if (signal.aborted) return;
    const next = await pkiSnapshot(dep, options, signal);
    if (next.cursor === last) continue;
    last = next.cursor;
    yield next;
  }
}

async function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  for (let left = at - Date.now(); left > 0 && !signal.aborted; left = at - Date.now()) await sleep(Math.min(left, MAX_TIMER_MS), signal);
}

/** The cursor carries the renewal time, so `changes` needs no state of its own. */
function snapshotOf(parsed: ParsedPems, nowMs: number): Snapshot {
  const { pems, validity } = parsed;
  const hash = createHash('sha1').update([pems.Cert, pems.Key, ...pems.CAChain].join('\0')).digest('hex');
  return { data: pems, cursor: `${renewalAt(validity, nowMs) ?? 0}:${hash}` };
}

async function readCached(dest: string): Promise<string | undefined> {
  if (dest === '') return undefined;
  try {
    const text = await readFile(dest, 'utf8');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** consul-template's goodFor: the renewal point (start + 90 % of the lifetime), unless already past or expired. */
export function renewalAt(validity: Validity | undefined, nowMs: number): number | undefined {
  if (!validity || validity.notAfter <= nowMs) return undefined;
  const at = validity.notBefore + (validity.notAfter - validity.notBefore) * RENEWAL_THRESHOLD;
  return at > nowMs ? at : undefined;
}

/** fetchPEMs: every string field of the issue answer and every ca_chain item, each on its own line. */
async function issue(dep: PkiDependency, options: PkiOptions, signal: AbortSignal): Promise<string> {
  const answer = await options.client.send({ method: 'PUT', path: dep.path, body: JSON.stringify(dep.data), signal });
  const body = answer.body instanceof Map ? answer.body : undefined;
  const data = body?.get('data');
  if (!(data instanceof Map)) throw new CtmplError('BACKEND', `no secret exists at ${dep.path}`);
  const warnings = body?.get('warnings');
  if (Array.isArray(warnings)) for (const warning of warnings) options.log('warn', `${dependencyKey(dep)}: ${String(warning)}`);
  let pems = '';
  for (const [key, value] of data as ReadonlyMap<string, JsonValue>) {
    if (typeof value === 'string') pems += `${value}\n`;
    else if (key === 'ca_chain' && Array.isArray(value)) for (const item of value) if (typeof item === 'string') pems += `${item}\n`;
  }
  return pems;
}

export interface Validity {
  readonly notBefore: number;
  readonly notAfter: number;
}

export interface ParsedPems {
  readonly pems: PkiCert;
  /** The (non-CA) certificate's validity, when there is one. */
  readonly validity: Validity | undefined;
}

const PEM_BLOCK = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/;

/**
 * pemsCert: private keys (PKCS#1, PKCS#8, EC) are the Key; CA certificates the CA (the first)
 * and the CAChain (distinct); the other certificate is the Cert. Blocks are re-encoded as Go's
 * pem.EncodeToMemory writes them; scanning stops at the first block that is not PEM.
 */
export function parsePems(text: string): ParsedPems {
  let cert = '';
  let key = '';
  let ca = '';
  const chain: string[] = [];
  let validity: Validity | undefined;
  let rest = text;
  for (let start = rest.indexOf('-----BEGIN'); start >= 0; start = rest.indexOf('-----BEGIN')) {
    rest = rest.slice(start);
    const match = PEM_BLOCK.exec(rest);
    if (!match) break;
    rest = rest.slice(match[0].length);
    const type = match[1]!;
    const body = match[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) break;
    const der = Buffer.from(body, 'base64');
    const encoded = encodePem(type, der);
    if (type.endsWith('PRIVATE KEY')) {
      key = encoded;
      continue;
    }
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(der);
    } catch (error) {
      throw new CtmplError('BACKEND', `x509: ${messageOf(error)}`, { cause: error });
    }
    if (x509.ca) {
      ca ||= encoded;
      if (!chain.includes(encoded)) chain.push(encoded);
    } else {
      cert = encoded;
      validity = { notBefore: Date.parse(x509.validFrom), notAfter: Date.parse(x509.validTo) };
    }
  }
  return { pems: { Cert: cert, Key: key, CA: ca, CAChain: chain }, validity };
}

/** pem.EncodeToMemory of a block without headers: base64 in 64-character lines. */
function encodePem(type: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.map((line) => `${line}\n`).join('')}-----END ${type}-----\n`;
}
