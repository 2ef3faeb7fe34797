import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { goFunc, type FuncMap, type GoStruct, type GoValue } from '../../go/values.js';
import { goStruct } from '../methods.js';
import { decodeStdBase64 } from '../base64.js';
import * as der from './der.js';
import { encodeKey, parsePrivateKey } from './keys.js';

/**
 * sprig's certificate functions: X.509 v3 certificates as Go's x509.CreateCertificate makes
 * them from sprig's template (random 128-bit serial, CN subject, key usage, server and client
 * auth, basic constraints, SANs), signed with Node's crypto. Results are sprig's
 * `certificate{Cert, Key}` (PEM strings).
 */

interface Signer {
  readonly key: KeyObject;
  /** The issuer Name, DER (the signer's subject). */
  readonly subject: Buffer;
  /** The signer's subject key identifier, which becomes the authority key identifier. */
  readonly keyId?: Buffer;
}

const SUBJECT_KEY_ID = '2.5.29.14';

/** RFC 5280's method 1, as Go derives a CA's key identifier: SHA-1 of the public key bits. */
function keyIdOf(key: KeyObject): Buffer {
  const [spki] = der.readAll(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const [, bits] = der.readAll(spki!.contents);
  return createHash('sha1').update(bits!.contents.subarray(1)).digest();
}

/** The subject key identifier among a certificate's extensions, if any. */
function subjectKeyIdOf(tbsFields: readonly der.Element[]): Buffer | undefined {
  const extensions = tbsFields.find((field) => field.tag === 0xa3);
  if (!extensions) return undefined;
  const wanted = der.oid(SUBJECT_KEY_ID);
  for (const extension of der.readAll(der.readAll(extensions.contents)[0]!.contents)) {
    const parts = der.readAll(extension.contents);
    if (parts[0]!.raw.equals(wanted)) return der.readAll(parts[parts.length - 1]!.contents)[0]!.contents;
  }
  return undefined;
}

const KEY_USAGE = { digitalSignature: 0x80, keyEncipherment: 0x20, certSign: 0x04 };

function signatureAlgorithm(key: KeyObject): { algorithm: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa': return { algorithm: der.sequence(der.oid('1.2.840.113549.1.1.11'), der.nullValue()), digest: 'sha256' };
    case 'ec': return { algorithm: der.sequence(der.oid('1.2.840.10045.4.3.2')), digest: 'sha256' };
    case 'ed25519': return { algorithm: der.sequence(der.oid('1.3.101.112')), digest: null };
    default: throw new Error(`error creating certificate: x509: unsupported key type ${key.asymmetricKeyType}`);
  }
}

/** Go's pkix.Name with a CommonName: PrintableString when it can be, else UTF8String. */
function commonName(cn: string): Buffer {
  if (cn === '') return der.sequence();
  const value = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(cn) ? der.printableString(cn) : der.utf8String(cn);
  return der.sequence(der.set(der.sequence(der.oid('2.5.4.3'), value)));
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const parts = ip.includes('::') ? [...groups(head), ...Array(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)] : groups(ip);
  return Buffer.from(parts.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]));
}

interface CertRequest {
  readonly cn: string;
  readonly ips: readonly string[];
  readonly dnsNames: readonly string[];
  readonly daysValid: number;
  readonly isCA: boolean;
}

/** x509.CreateCertificate for sprig's template, signed by `signer` (itself when self-signed). */
function createCertificate(request: CertRequest, key: KeyObject, signer: Signer | undefined): string {
  const signingKey = signer?.key ?? key;
  const { algorithm, digest } = signatureAlgorithm(signingKey);
  const serial = BigInt(`0x${randomBytes(16).toString('hex')}`);
  const now = new Date();
  const usage = KEY_USAGE.digitalSignature | KEY_USAGE.keyEncipherment | (request.isCA ? KEY_USAGE.certSign : 0);
  const sans = [...request.dnsNames.map((n) => der.tlv(0x82, Buffer.from(n, 'latin1'))), ...request.ips.map((ip) => der.tlv(0x87, ipBytes(ip)))];
  const extensions = [
    extension('2.5.29.15', true, der.bitString(Buffer.from([usage]), request.isCA ? 2 : 5)),
    extension('2.5.29.37', false, der.sequence(der.oid('1.3.6.1.5.5.7.3.1'), der.oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.19', true, request.isCA ? der.sequence(der.boolean(true)) : der.sequence()),
    ...(request.isCA ? [extension(SUBJECT_KEY_ID, false, der.octetString(keyIdOf(key)))] : []),
    ...(signer?.keyId ? [extension('2.5.29.35', false, der.sequence(der.tlv(0x80, signer.keyId)))] : []),
    ...(sans.length > 0 ? [extension('2.5.29.17', false, der.sequence(...sans))] : []),
  ];
  const subject = commonName(request.cn);
  const tbs = der.sequence(
    der.explicit(0, der.integer(2n)),
    der.integer(serial),
    algorithm,
    signer?.subject ?? subject,
    der.sequence(der.time(now), der.time(new Date(now.getTime() + request.daysValid * 86_400_000))),
    subject,
    createPublicKey(key).export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign(digest, tbs, signingKey);
  return der.pem('CERTIFICATE', der.sequence(tbs, algorithm, der.bitString(signature)));
}

const certificate = (cert: string, key: string): GoStruct => goStruct('sprig.certificate', { Cert: cert, Key: key });

function stringList(values: readonly GoValue[] | null, what: (v: GoValue) => string): string[] {
  return (values ?? []).map((v) => {
    if (typeof v !== 'string') throw new Error(what(v));
    return v;
  });
}

function request(cn: string, ips: GoValue[] | null, dns: GoValue[] | null, daysValid: number, isCA = false): CertRequest {
  const ipList = stringList(ips, (v) => `error parsing ip: ${String(v)} is not a string`);
  for (const ip of ipList) if (isIP(ip) === 0) throw new Error(`error parsing ip: ${ip}`);
  const dnsNames = stringList(dns, (v) => `error processing alternate dns name: ${String(v)} is not a string`);
  return { cn, ips: ipList, dnsNames, daysValid, isCA };
}

const newRsaKey = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function withKey(privPEM: string): KeyObject {
  try {
    return parsePrivateKey(privPEM);
  } catch (error) {
    throw new Error(`parsing private key: ${(error as Error).message}`);
  }
}

function issue(req: CertRequest, key: KeyObject, signer?: Signer): GoStruct {
  return certificate(createCertificate(req, key, signer), encodeKey(key));
}

/** The CA argument of genSignedCert: a sprig certificate whose Cert and Key parse. */
function signerOf(ca: GoValue): Signer {
  const { Cert, Key } = ca as { Cert: string; Key: string };
  const block = der.decodePem(Cert);
  if (!block) throw new Error('unable to decode certificate');
  try {
    new X509Certificate(block.der);
  } catch (error) {
    throw new Error(`error parsing certificate: decodedSignerCert.Bytes: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = parsePrivateKey(Key);
  } catch (error) {
    throw new Error(`error parsing private key: ${(error as Error).message}`);
  }
  const [certificateSeq] = der.readAll(block.der);
  const [tbs] = der.readAll(certificateSeq!.contents);
  const fields = der.readAll(tbs!.contents);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0;
  const keyId = subjectKeyIdOf(fields);
  return keyId ? { key, subject: fields[offset + 4]!.raw, keyId } : { key, subject: fields[offset + 4]!.raw };
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  let cert: string;
  let key: string;
  try {
    cert = decodeStdBase64(b64cert);
  } catch {
    throw new Error('unable to decode base64 certificate');
  }
  try {
    key = decodeStdBase64(b64key);
  } catch {
    throw new Error('unable to decode base64 private key');
  }
  const block = der.decodePem(cert);
  if (!block) throw new Error('unable to decode certificate');
  try {
    new X509Certificate(block.der);
  } catch (error) {
    throw new Error(`error parsing certificate: decodedCert.Bytes: ${(error as Error).message}`);
  }
  try {
    parsePrivateKey(key);
  } catch (error) {
    throw new Error(`error parsing private key: ${(error as Error).message}`);
  }
  return certificate(cert, key);
}

export function certFuncs(): FuncMap {
  const sans = ['string', '[]any', '[]any', 'int'] as const;
  return {
    buildCustomCert: goFunc(['string', 'string'], buildCustomCert),
    genCA: goFunc(['string', 'int'], (cn: string, days: number) => issue(request(cn, null, null, days, true), newRsaKey())),
    genCAWithKey: goFunc(['string', 'int', 'string'], (cn: string, days: number, key: string) => issue(request(cn, null, null, days, true), withKey(key))),
    genSelfSignedCert: goFunc([...sans], (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: number) => issue(request(cn, ips, dns, days), newRsaKey())),
    genSelfSignedCertWithKey: goFunc([...sans, 'string'], (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: number, key: string) =>
      issue(request(cn, ips, dns, days), withKey(key)),
    ),
    genSignedCert: goFunc([...sans, 'sprig.certificate'], (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: number, ca: GoValue) => {
      const signer = signerOf(ca);
      return issue(request(cn, ips, dns, days), newRsaKey(), signer);
    }),
    genSignedCertWithKey: goFunc([...sans, 'sprig.certificate', 'string'], (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: number, ca: GoValue, key: string) => {
      const signer = signerOf(ca);
      return issue(request(cn, ips, dns, days), withKey(key), signer);
    }),
  };
}
