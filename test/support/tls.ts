import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files of a throwaway PKI, all under one directory. */
export interface TestCertificates {
  readonly caFile: string;
  /** For 127.0.0.1 and localhost; usable as a client certificate too (etcd's gateway dials itself with it). */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Signed by the same CA, for client-certificate authentication. */
  readonly clientCert: string;
  readonly clientKey: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Makes a CA, a server certificate (SAN IP:127.0.0.1, DNS:localhost) and a client certificate
 * signed by it, in `dir`, with the openssl CLI (`openssl` on PATH, or `binary`). EC keys, valid one day.
 */
export async function makeTestCertificates(dir: string, binary = 'openssl'): Promise<TestCertificates> {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run(binary, args, { cwd: dir });
  await openssl('req', '-x509', ...EC_KEY, '-keyout', file('ca-key.pem'), '-out', file('ca.pem'), '-days', '1',
    '-subj', '/CN=ctmpl test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await writeFile(file('server.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '',
  ].join('\n'));
  await writeFile(file('client.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
    '',
  ].join('\n'));
  for (const [name, subject] of [['server', '/CN=127.0.0.1'], ['client', '/CN=ctmpl-client']] as const) {
    await openssl('req', '-new', ...EC_KEY, '-keyout', file(`${name}-key.pem`), '-out', file(`${name}.csr`), '-subj', subject);
    await openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca-key.pem'),
      '-CAcreateserial', '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
  }
  return {
    caFile: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server-key.pem'),
    clientCert: file('client.pem'),
    clientKey: file('client-key.pem'),
  };
}
