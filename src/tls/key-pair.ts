/** Load a certificate and its private key for either TLS leg: readable errors, a warning on a loose key file. */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { secretFileProblem } from './secret-file.js';

export function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** The pair, checked to belong together; the key itself never appears in an error. */
export function loadKeyPair(certFile: string, keyFile: string, log: Logger): { cert: Buffer; key: Buffer } {
  const cert = readTlsFile(certFile, 'certificate');
  const key = readTlsFile(keyFile, 'private key');
  const problem = secretFileProblem(keyFile);
  if (problem) log.warn({ file: keyFile }, problem);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    // OpenSSL's message names the problem ("key values mismatch"), the file names say where.
    throw new Error(`${certFile} / ${keyFile}: ${(err as Error).message}`);
  }
  return { cert, key };
}
