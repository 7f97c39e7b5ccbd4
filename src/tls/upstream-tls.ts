/**
 * The CSMS leg: verify the CSMS certificate (system roots or --upstream-ca), present a client certificate per
 * station (a proxy never holds the station's own key, so it shows one the CSMS was told to trust), and rewrite
 * Basic-auth credentials per station when the CSMS knows them by other ones. Files are read once at start.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import picomatch from 'picomatch';
import type { Logger } from 'pino';
import YAML from 'yaml';
import type { Addon } from '../core/addon.js';
import { basicAuthHeader } from './basic-auth.js';
import type { TlsConfig } from './options.js';
import { caFileProblem, loadKeyPair, readTlsFile } from './key-pair.js';
import { secretFileProblem } from './secret-file.js';
import { describeTlsError } from './tls-errors.js';

interface ClientCert {
  cert: Buffer;
  key: Buffer;
  /** Where it came from, for logs. */
  source: string;
}

interface UpstreamCredential {
  user: string | undefined;
  password: Buffer;
}

/** First entry whose glob matches the identity; an exact key wins over globs. */
class GlobTable<T> {
  private readonly entries: { glob: string; match: (s: string) => boolean; value: T }[] = [];
  add(glob: string, value: T) {
    this.entries.push({ glob, match: picomatch(glob, { dot: true }), value });
  }
  lookup(identity: string): T | undefined {
    return (this.entries.find((e) => e.glob === identity) ?? this.entries.find((e) => e.match(identity)))?.value;
  }
  get size() {
    return this.entries.length;
  }
}

function readYamlMapping(file: string): Record<string, unknown> {
  const doc: unknown = YAML.parse(readFileSync(file, 'utf8')) ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: expected a mapping identity glob → entry`);
  return doc as Record<string, unknown>;
}

function loadClientCert(certFile: string, keyFile: string, log: Logger): ClientCert {
  return { ...loadKeyPair(certFile, keyFile, log), source: certFile };
}

export function loadUpstreamClientCerts(file: string, log: Logger): GlobTable<ClientCert> {
  const table = new GlobTable<ClientCert>();
  const base = dirname(file);
  for (const [glob, entry] of Object.entries(readYamlMapping(file))) {
    const e = entry as { cert?: unknown; key?: unknown } | null;
    if (typeof e?.cert !== 'string' || typeof e.key !== 'string') throw new Error(`${file}: "${glob}" needs cert and key file names`);
    table.add(glob, loadClientCert(resolve(base, e.cert), resolve(base, e.key), log));
  }
  return table;
}

export function loadUpstreamCredentials(file: string, log: Logger): GlobTable<UpstreamCredential> {
  const problem = secretFileProblem(file);
  if (problem) log.warn({ file }, problem);
  const table = new GlobTable<UpstreamCredential>();
  for (const [glob, entry] of Object.entries(readYamlMapping(file))) {
    const e = entry as { user?: unknown; password?: unknown; passwordHex?: unknown } | null;
    let password: Buffer;
    if (typeof e?.passwordHex === 'string' && /^([0-9a-fA-F]{2})+$/.test(e.passwordHex)) password = Buffer.from(e.passwordHex, 'hex');
    else if (typeof e?.password === 'string' || typeof e?.password === 'number') password = Buffer.from(String(e.password), 'utf8');
    else throw new Error(`${file}: "${glob}" needs password (text) or passwordHex (even number of hex digits)`);
    if (e.user !== undefined && (typeof e.user !== 'string' || e.user.includes(':'))) throw new Error(`${file}: "${glob}" user must be text without ":"`);
    table.add(glob, { user: e.user as string | undefined, password });
  }
  return table;
}

/**
 * ws's own TLS connect, plus a name for the failure: the error that ws turns into the upstream failure (and the
 * station's 502) then says "CSMS certificate: … (CODE)" instead of a bare OpenSSL string, and we log it with the
 * station identity.
 */
function csmsTlsConnect(identity: string, log: Logger) {
  return (options: ConnectionOptions & { path?: string; host?: string }): TLSSocket => {
    // As ws's own tlsConnect: `path` is the URL path here, which tls.connect would take for an IPC socket.
    options.path = undefined;
    if (!options.servername && options.servername !== '') options.servername = isIP(options.host ?? '') ? '' : options.host;
    const socket = connect(options);
    socket.once('error', (err: Error) => {
      const reason = describeTlsError(err, 'CSMS');
      if (!reason) return;
      err.message = reason;
      log.warn({ identity, host: options.host, port: options.port, reason }, 'CSMS TLS failure');
    });
    return socket;
  };
}

/** An --upstream-ca file, checked at start: readable, and holding CA certificates (or a self-signed one). */
function readUpstreamCa(file: string): Buffer {
  const pem = readTlsFile(file, 'CSMS CA');
  const problem = caFileProblem(file, pem);
  if (problem) throw new Error(`--upstream-ca: ${problem}`);
  return pem;
}

export function upstreamTlsAddon(config: TlsConfig, upstream: string, logger: Logger): Addon {
  const log = logger.child({ addon: 'tls-upstream' });
  const ca = config.upstreamCaFiles.length > 0 ? config.upstreamCaFiles.map(readUpstreamCa) : undefined;
  const defaultCert = config.upstreamCert && config.upstreamKey ? loadClientCert(config.upstreamCert, config.upstreamKey, log) : undefined;
  const perStation = config.upstreamClientCertsFile ? loadUpstreamClientCerts(config.upstreamClientCertsFile, log) : undefined;
  const credentials = config.upstreamCredentialsFile ? loadUpstreamCredentials(config.upstreamCredentialsFile, log) : undefined;

  const secureUpstream = upstream.startsWith('wss:');
  if (!secureUpstream && (ca || defaultCert || perStation || config.upstreamInsecure)) {
    log.warn({ upstream }, 'CSMS TLS options given but the upstream is ws://: they are not used');
  }
  if (secureUpstream && config.upstreamInsecure) {
    log.warn(
      { upstream },
      '!!! --upstream-insecure: the CSMS certificate is NOT verified. Anyone on the path can impersonate the CSMS and read station credentials. Testing only.',
    );
  }
  if (credentials) log.info({ file: config.upstreamCredentialsFile, entries: credentials.size }, 'Basic-auth credentials toward the CSMS are rewritten per station');

  return {
    name: 'tls-upstream',
    connecting(ctx) {
      const cred = credentials?.lookup(ctx.identity);
      if (cred) {
        for (const k of Object.keys(ctx.upstreamHeaders)) if (k.toLowerCase() === 'authorization') delete ctx.upstreamHeaders[k];
        ctx.upstreamHeaders.authorization = basicAuthHeader(cred.user ?? ctx.identity, cred.password);
      }
      if (!ctx.upstreamUrl.startsWith('wss:')) return;
      const client = perStation?.lookup(ctx.identity) ?? defaultCert;
      Object.assign(ctx.upstreamTls, {
        minVersion: 'TLSv1.2',
        rejectUnauthorized: !config.upstreamInsecure,
        createConnection: csmsTlsConnect(ctx.identity, log),
        ...(ca ? { ca } : {}),
        ...(client ? { cert: client.cert, key: client.key } : {}),
      });
      log.debug({ identity: ctx.identity, clientCert: client?.source, credentialsRewritten: Boolean(cred) }, 'CSMS leg TLS');
    },
  };
}
