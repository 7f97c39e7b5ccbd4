/**
 * The certificate folder (`certs/` by default): a local CA, server certificates for the station listener and a
 * client certificate per station. File names are fixed so `start` options can point at them without thinking.
 *
 *   ca.pem, ca.key                         the local CA (key 0600)
 *   server-rsa.pem/.key, server-ecdsa.pem/.key   listener certificates (leaf then CA)
 *   stations/<identity>.pem/.key/.p12      station client certificates; .p12.pass holds the .p12 password
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createCa, issueClientCert, issueServerCert, type SigningCa, type ValidityOptions } from './issue.js';
import { importSigningKey, type KeyType } from './keys.js';
import { toPkcs12 } from './pkcs12.js';
import { writePublicFile, writeSecretFile } from './secret-file.js';
import { x509 } from './x509.js';
import { parsePemCerts, summarizeCert, type CertSummary } from './describe-cert.js';

export const DEFAULT_CERT_DIR = 'certs';

/** PEM blocks one after another, each on its own lines (a missing newline makes OpenSSL read "bad end line"). */
const pemJoin = (...blocks: string[]) => `${blocks.map((b) => b.trim()).join('\n')}\n`;
export const DEFAULT_HOSTS = ['localhost', '127.0.0.1'];

export const caPaths = (dir: string) => ({ cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') });
export const serverPaths = (dir: string, type: KeyType) => ({ cert: join(dir, `server-${type}.pem`), key: join(dir, `server-${type}.key`) });

/** Identities may hold ':', '*', '|' (OCPP identifierString): percent-encode what a file name can't carry. */
export const identityFileName = (identity: string) =>
  encodeURIComponent(identity).replace(/[*!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const stationPaths = (dir: string, identity: string) => {
  const base = join(dir, 'stations', identityFileName(identity));
  return { cert: `${base}.pem`, key: `${base}.key`, p12: `${base}.p12`, p12Password: `${base}.p12.pass` };
};

export async function loadCa(dir: string): Promise<SigningCa> {
  const paths = caPaths(dir);
  if (!existsSync(paths.cert) || !existsSync(paths.key)) throw new Error(`no CA in ${dir}: run "ocpp-mitm tls init --dir ${dir}" first`);
  const cert = new x509.X509Certificate(readFileSync(paths.cert, 'utf8'));
  const { key, type } = await importSigningKey(readFileSync(paths.key, 'utf8'));
  return { cert, key, keyType: type };
}

export interface InitOptions {
  dir: string;
  keyTypes: KeyType[];
  hosts: string[];
  /** Key of a new CA. Default: RSA when RSA certificates are asked for (every station can verify RSA signatures), else ECDSA. */
  caKeyType?: KeyType;
  org?: string;
  /** Days the server certificates are valid. */
  days?: number;
}

export interface InitResult {
  caCreated: boolean;
  files: string[];
}

/** Create the CA unless there is one (stations keep trusting it), then (re)issue the server certificates. */
export async function initCertDir(opts: InitOptions): Promise<InitResult> {
  const files: string[] = [];
  const paths = caPaths(opts.dir);
  let ca: SigningCa;
  let caPem: string;
  const caCreated = !existsSync(paths.cert);
  if (caCreated) {
    const made = await createCa({ keyType: opts.caKeyType ?? (opts.keyTypes.includes('rsa') ? 'rsa' : 'ecdsa'), org: opts.org });
    writeSecretFile(paths.key, pemJoin(made.keyPem));
    writePublicFile(paths.cert, pemJoin(made.certPem));
    files.push(paths.cert, paths.key);
    ca = made.ca;
    caPem = pemJoin(made.certPem);
  } else {
    ca = await loadCa(opts.dir);
    caPem = readFileSync(paths.cert, 'utf8');
  }
  for (const keyType of opts.keyTypes) {
    const issued = await issueServerCert({ ca, keyType, hosts: opts.hosts, org: opts.org, days: opts.days });
    const p = serverPaths(opts.dir, keyType);
    writeSecretFile(p.key, pemJoin(issued.keyPem));
    // Leaf then CA: a station that was given only the CA still gets a complete chain.
    writePublicFile(p.cert, pemJoin(issued.certPem, caPem));
    files.push(p.cert, p.key);
  }
  return { caCreated, files };
}

export interface IssueStationOptions extends ValidityOptions {
  dir: string;
  identity: string;
  keyType: KeyType;
  /** O of the subject: OCPP wants the CPO name there (A00.FR.404). */
  org?: string;
  /** Also write a .p12 bundle (default true). */
  p12?: boolean;
}

export interface IssueStationResult {
  cert: string;
  key: string;
  p12?: string;
  p12Password?: string;
}

export async function issueStationCert(opts: IssueStationOptions): Promise<IssueStationResult> {
  if (!opts.identity || opts.identity.includes(':')) throw new Error('a station identity is required and may not contain ":" (it is the Basic-auth user name)');
  const ca = await loadCa(opts.dir);
  const caPem = readFileSync(caPaths(opts.dir).cert, 'utf8');
  const issued = await issueClientCert({ ...opts, ca });
  const p = stationPaths(opts.dir, opts.identity);
  writeSecretFile(p.key, pemJoin(issued.keyPem));
  writePublicFile(p.cert, pemJoin(issued.certPem, caPem));
  if (opts.p12 === false) return { cert: p.cert, key: p.key };
  const password = randomBytes(12).toString('base64url');
  writeSecretFile(p.p12, toPkcs12({ keyPem: issued.keyPem, certPems: [issued.certPem, caPem], password }));
  writeSecretFile(p.p12Password, `${password}\n`);
  return { cert: p.cert, key: p.key, p12: p.p12, p12Password: p.p12Password };
}

export interface ShownCert extends CertSummary {
  file: string;
}

/** Every certificate found in the folder (first certificate of each .pem: the leaf), CA first. */
export function listCertDir(dir: string, now = Date.now()): ShownCert[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.pem') || e.name.endsWith('.crt')) files.push(join(d, e.name));
    }
  };
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: run "ocpp-mitm tls init --dir ${dir}"`);
  walk(dir);
  const out: ShownCert[] = [];
  for (const file of files) {
    let cert: X509Certificate | undefined;
    try {
      cert = parsePemCerts(readFileSync(file))[0];
    } catch {
      continue; // not a certificate (a key named .pem, say): `show` lists certificates only
    }
    if (cert) out.push({ file: relative(dir, file), ...summarizeCert(cert, now) });
  }
  return out.sort((a, b) => Number(b.isCa) - Number(a.isCa));
}
