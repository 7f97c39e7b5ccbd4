/** `ocpp-mitm tls …`: make and inspect the local PKI and the station credentials file. Keys are never printed. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_CERT_DIR, DEFAULT_HOSTS, initCertDir, issueStationCert, listCertDir, type ShownCert } from './cert-dir.js';
import type { KeyType } from './keys.js';
import { addStationCredential } from './station-credentials.js';

/** Where commands print and read; tests pass their own. */
export interface CommandIo {
  write(text: string): void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

const processIo: CommandIo = { write: (t) => void process.stdout.write(t), stdin: process.stdin };

const keyTypesOf = (v: string): KeyType[] => (v === 'both' ? ['rsa', 'ecdsa'] : [v as KeyType]);

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

export function formatCertTable(certs: ShownCert[]): string {
  const rows = certs.map((c) => [
    c.file,
    c.isCa ? `${c.subject} (CA)` : c.subject,
    c.sans.join(' ') || '-',
    c.key,
    c.notAfter.toISOString().slice(0, 10),
    c.expired ? `EXPIRED ${-c.daysLeft}d ago` : `${c.daysLeft}`,
  ]);
  const header = ['FILE', 'SUBJECT', 'SANS', 'KEY', 'EXPIRES', 'DAYS LEFT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function addTlsCommands(program: Command, io: CommandIo = processIo): void {
  const out = (line = '') => io.write(`${line}\n`);
  const tls = program.command('tls').description('certificates and credentials for OCPP security profiles 1-3');

  tls
    .command('init')
    .description('create a local CA (unless there is one) and server certificates for the station listener')
    .option('--dir <dir>', 'certificate folder', DEFAULT_CERT_DIR)
    .addOption(new Option('--key <type>', 'server key type; "both" makes an RSA and an ECDSA certificate').choices(['rsa', 'ecdsa', 'both']).default('both'))
    .addOption(new Option('--ca-key <type>', 'key type of a new CA (default: rsa unless --key ecdsa)').choices(['rsa', 'ecdsa']))
    .option('--host <name...>', 'DNS names and IPs the server certificate is for (SANs); the first is the CN', DEFAULT_HOSTS)
    .option('--org <name>', 'organisation (O) in the subjects', 'ocpp-mitm')
    .option('--days <n>', 'validity of the server certificates in days', (v) => Number.parseInt(v, 10), 825)
    .action(async (o: { dir: string; key: string; caKey?: KeyType; host: string[]; org: string; days: number }) => {
      const keyTypes = keyTypesOf(o.key);
      const r = await initCertDir({ dir: o.dir, keyTypes, hosts: o.host, caKeyType: o.caKey, org: o.org, days: o.days });
      out(r.caCreated ? `created a CA in ${o.dir}` : `using the existing CA in ${o.dir}`);
      for (const f of r.files) out(`  wrote ${f}${f.endsWith('.key') ? ' (private, mode 0600)' : ''}`);
      out();
      const certFlags = keyTypes.map((t) => `--tls-cert ${join(o.dir, `server-${t}.pem`)} --tls-key ${join(o.dir, `server-${t}.key`)}`).join(' ');
      out(`start with: ocpp-mitm start --security-profile 2 ${certFlags} ...`);
      out(`stations must trust ${join(o.dir, 'ca.pem')}`);
    });

  tls
    .command('issue')
    .description('issue a client certificate for a station (security profile 3): PEM and PKCS#12')
    .requiredOption('--station <id>', 'station identity (becomes the CN)')
    .option('--dir <dir>', 'certificate folder', DEFAULT_CERT_DIR)
    .addOption(new Option('--key <type>', 'key type').choices(['rsa', 'ecdsa']).default('ecdsa'))
    .option('--org <name>', 'organisation (O): OCPP expects the CPO name', 'ocpp-mitm')
    .option('--days <n>', 'validity in days', (v) => Number.parseInt(v, 10), 730)
    .option('--no-p12', 'do not write a .p12 bundle')
    .action(async (o: { station: string; dir: string; key: KeyType; org: string; days: number; p12: boolean }) => {
      const r = await issueStationCert({ dir: o.dir, identity: o.station, keyType: o.key, org: o.org, days: o.days, p12: o.p12 });
      out(`issued an ${o.key.toUpperCase()} client certificate for ${o.station}`);
      out(`  certificate: ${r.cert} (leaf then CA)`);
      out(`  private key: ${r.key} (mode 0600)`);
      if (r.p12) out(`  PKCS#12:     ${r.p12}, password in ${r.p12Password} (both mode 0600)`);
    });

  tls
    .command('show')
    .description('list the certificates in the folder: subject, SANs, key type, expiry, days left')
    .option('--dir <dir>', 'certificate folder', DEFAULT_CERT_DIR)
    .option('--json', 'JSON output')
    .action((o: { dir: string; json?: boolean }) => {
      const certs = listCertDir(o.dir);
      if (o.json) out(JSON.stringify(certs, null, 2));
      else out(certs.length ? formatCertTable(certs) : `no certificates in ${o.dir}`);
    });

  const creds = tls.command('credentials').description('station Basic-auth passwords, stored as scrypt hashes');
  creds
    .command('add')
    .description('add or replace a station in the credentials file; the password comes from stdin, or --generate makes one')
    .requiredOption('--station <id>', 'station identity (= Basic-auth user name)')
    .option('--file <file>', 'credentials file', join(DEFAULT_CERT_DIR, 'station-credentials.yaml'))
    .option('--generate', 'generate a random password (40 hex digits, OCPP AuthorizationKey format) and print it once')
    .action(async (o: { station: string; file: string; generate?: boolean }) => {
      let password: Buffer;
      if (o.generate) {
        password = Buffer.from(randomBytes(20).toString('hex'), 'utf8');
      } else {
        if (io.stdin.isTTY) throw new Error('pipe the password on stdin (printf %s "$PW" | ...) or use --generate');
        password = await readAll(io.stdin);
        // A trailing newline from echo/heredoc is not part of the password.
        if (password.at(-1) === 0x0a) password = password.subarray(0, password.at(-2) === 0x0d ? -2 : -1);
        if (password.length === 0) throw new Error('empty password on stdin');
      }
      await addStationCredential(o.file, o.station, password);
      out(`stored a scrypt hash for ${o.station} in ${o.file} (mode 0600)`);
      if (o.generate) out(`password (configure it on the station as AuthorizationKey / BasicAuthPassword; shown only now): ${password.toString('utf8')}`);
    });
}
