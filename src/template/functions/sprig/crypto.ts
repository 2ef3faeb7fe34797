import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { goFunc, type FuncMap } from '../../go/values.js';
import { decodeStdBase64Bytes } from '../base64.js';
import { generatePrivateKey } from './keys.js';

/** sprig's crypto.go but the certificates: bcrypt, htpasswd, derivePassword, AES, keys. */

type Bcryptjs = typeof import('bcryptjs');

// Loaded on first use: few templates hash passwords.
let bcryptjs: Bcryptjs | undefined;
const loadBcryptjs = (): Bcryptjs => (bcryptjs ??= createRequire(import.meta.url)('bcryptjs') as Bcryptjs);

/** sprig's bcrypt: golang.org/x/crypto/bcrypt at its default cost 10, "$2a$" hashes. */
function bcrypt(input: string): string {
  if (Buffer.byteLength(input) > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  const { hashSync, genSaltSync } = loadBcryptjs();
  return hashSync(input, genSaltSync(10).replace(/^\$2b\$/, '$2a$'));
}

const htpasswd = (user: string, password: string): string => (user.includes(':') ? `invalid username: ${user}` : `${user}:${bcrypt(password)}`);

const PASSWORD_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv',
    'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

const SEED = 'com.lyndir.masterpassword';

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** sprig's derivePassword: the Master Password algorithm (scrypt, then HMAC-SHA256). */
function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const userBytes = Buffer.from(user, 'utf8');
  const salt = Buffer.concat([Buffer.from(SEED), uint32(userBytes.length), userBytes]);
  const key = scryptSync(Buffer.from(password, 'utf8'), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 64 * 1024 * 1024 });
  const siteBytes = Buffer.from(site, 'utf8');
  const seed = createHmac('sha256', key).update(Buffer.concat([Buffer.from(SEED), uint32(siteBytes.length), siteBytes, uint32(counter)])).digest();
  const template = templates[seed[0]! % templates.length]!;
  return Array.from(template, (c, i) => {
    const chars = TEMPLATE_CHARACTERS[c]!;
    return chars[seed[i + 1]! % chars.length];
  }).join('');
}

/** The password as a 32-byte AES-256 key: zero-padded, or cut. */
const aesKey = (password: string): Buffer => {
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key, 0, 0, 32);
  return key;
};

/** sprig's encryptAES: AES-256-CBC, PKCS#7 padding, a random IV before the ciphertext, base64. */
function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** sprig's decryptAES: the padding is stripped by its last byte, unchecked, as sprig does. */
function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const crypt = decodeStdBase64Bytes(crypt64);
  if (crypt.length < 16) throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new Error('runtime error: index out of range [-1]');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(body), decipher.final()]);
  const cut = plain.length - plain[plain.length - 1]!;
  if (cut < 0) throw new Error(`runtime error: slice bounds out of range [:${cut}]`);
  return plain.subarray(0, cut).toString('utf8');
}

export function cryptoFuncs(): FuncMap {
  return {
    bcrypt: goFunc(['string'], bcrypt),
    htpasswd: goFunc(['string', 'string'], htpasswd),
    derivePassword: goFunc(['uint32', 'string', 'string', 'string', 'string'], derivePassword),
    encryptAES: goFunc(['string', 'string'], encryptAES),
    decryptAES: goFunc(['string', 'string'], decryptAES),
    genPrivateKey: goFunc(['string'], generatePrivateKey),
  };
}
