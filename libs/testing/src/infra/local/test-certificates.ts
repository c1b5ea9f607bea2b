import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findExecutable } from './find-executable';

const run = promisify(execFile);

/** A throwaway CA and a server certificate for 127.0.0.1 and localhost, as PEM files. */
export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** The key and the certificate in one file (Kafka's PEM keystore). */
  keystoreFile: string;
}

/**
 * Makes (or, on kept data, finds again) a CA and a server certificate it signed, under `dir`,
 * with the machine's openssl: about half a second. Test servers only: the keys are unencrypted.
 */
export async function testCertificates(dir: string, name: string): Promise<TestCertificates> {
  const file = (suffix: string) => join(dir, `${name}-${suffix}`);
  const made: TestCertificates = {
    caFile: file('ca.pem'),
    certFile: file('cert.pem'),
    keyFile: file('key.pem'),
    keystoreFile: file('keystore.pem'),
  };
  if (Object.values(made).every((path) => existsSync(path))) return made;
  const openssl = findExecutable('openssl');
  if (!openssl)
    throw new Error('openssl is needed for the test servers’ TLS: sudo apt-get install -y openssl');
  const caKey = file('ca-key.pem');
  const request = file('request.csr');
  const extensions = file('san.ext');
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-subj',
    '/CN=Twinlog test CA',
    '-keyout',
    caKey,
    '-out',
    made.caFile,
  ]);
  await run(openssl, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    made.keyFile,
    '-out',
    request,
  ]);
  await run(openssl, [
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    made.caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    extensions,
    '-out',
    made.certFile,
  ]);
  writeFileSync(
    made.keystoreFile,
    readFileSync(made.keyFile, 'utf8') + readFileSync(made.certFile, 'utf8'),
  );
  return made;
}
