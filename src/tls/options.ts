/** The `start` options of the TLS feature, and their check into one config the addons use. */
import { Option, type Command } from 'commander';
import type { StartOptions } from '../core/feature.js';

/**
 * OCPP's required suites first (1.6 security A00.FR.317, 2.0.1 A00.FR.317/418), as OpenSSL names them:
 * TLS_ECDHE_ECDSA_WITH_AES_{128,256}_GCM_SHA{256,384}, their ECDHE_RSA twins, and for OCPP 1.6 stations the
 * TLS_RSA_WITH_AES_{128,256}_GCM_SHA{256,384} suites (no forward secrecy, so last). TLS 1.3 suites stay Node's.
 */
export const DEFAULT_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
].join(':');

export type SecurityProfile = 0 | 1 | 2 | 3;
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

export interface TlsConfig {
  /** undefined: nothing enforced, the relay passes what stations send (the profile is only reported). */
  securityProfile: SecurityProfile | undefined;
  certFiles: string[];
  keyFiles: string[];
  clientCaFiles: string[];
  ciphers: string;
  minVersion: TlsMinVersion;
  cnCheck: boolean;
  clientOrg: string | undefined;
  stationCredentialsFile: string | undefined;
  upstreamCaFiles: string[];
  upstreamCert: string | undefined;
  upstreamKey: string | undefined;
  upstreamClientCertsFile: string | undefined;
  upstreamCredentialsFile: string | undefined;
  upstreamInsecure: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addTlsStartOptions(cmd: Command): void {
  cmd
    .addOption(
      new Option('--security-profile <n>', 'OCPP security profile enforced on the station leg: 1 ws + Basic auth, 2 wss + Basic auth, 3 wss + client certificate').choices(['0', '1', '2', '3']),
    )
    .option('--tls-cert <file>', 'station listener certificate (PEM, leaf first); repeat for an RSA and an ECDSA certificate', collect)
    .option('--tls-key <file>', 'private key of the --tls-cert of the same position; repeatable', collect)
    .option('--tls-client-ca <file>', 'CA that signs station client certificates (profile 3); repeatable', collect)
    .option('--tls-ciphers <list>', 'OpenSSL cipher list for TLS 1.2 on the station leg', DEFAULT_CIPHERS)
    .addOption(new Option('--tls-min-version <v>', 'oldest TLS version accepted from stations').choices(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'))
    .option('--no-cn-check', 'profile 3: accept a client certificate whose CN is not the station identity')
    .option('--tls-client-org <name>', 'profile 3: require this O (the CPO name) in station certificates (OCPP A00.FR.404)')
    .option('--station-credentials <file>', 'profiles 1/2: check station passwords against this file of scrypt hashes (see "tls credentials add")')
    .option('--upstream-ca <file>', 'CA(s) that sign the CSMS certificate (default: system roots); repeatable', collect)
    .option('--upstream-cert <file>', 'client certificate presented to the CSMS for every station (PEM)')
    .option('--upstream-key <file>', 'private key of --upstream-cert')
    .option('--upstream-client-certs <file>', 'YAML: station identity glob → {cert, key} presented to the CSMS')
    .option('--upstream-credentials <file>', 'YAML: station identity glob → {user, password | passwordHex} sent to the CSMS as Basic auth')
    .option('--upstream-insecure', 'do NOT verify the CSMS certificate (testing only)', false);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Read the parsed `start` options; throws with a message for the operator on a combination that cannot work. */
export function parseTlsConfig(opts: StartOptions): TlsConfig {
  const rawProfile = opts.securityProfile;
  const securityProfile = rawProfile === undefined ? undefined : (Number(rawProfile) as SecurityProfile);
  if (securityProfile !== undefined && ![0, 1, 2, 3].includes(securityProfile)) throw new Error(`--security-profile must be 0, 1, 2 or 3, not ${String(rawProfile)}`);
  const minVersion = (str(opts.tlsMinVersion) ?? 'TLSv1.2') as TlsMinVersion;
  if (minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') throw new Error(`--tls-min-version must be TLSv1.2 or TLSv1.3 (OCPP forbids older), not ${minVersion}`);
  const config: TlsConfig = {
    securityProfile,
    certFiles: strings(opts.tlsCert),
    keyFiles: strings(opts.tlsKey),
    clientCaFiles: strings(opts.tlsClientCa),
    ciphers: str(opts.tlsCiphers) ?? DEFAULT_CIPHERS,
    minVersion,
    cnCheck: opts.cnCheck !== false,
    clientOrg: str(opts.tlsClientOrg),
    stationCredentialsFile: str(opts.stationCredentials),
    upstreamCaFiles: strings(opts.upstreamCa),
    upstreamCert: str(opts.upstreamCert),
    upstreamKey: str(opts.upstreamKey),
    upstreamClientCertsFile: str(opts.upstreamClientCerts),
    upstreamCredentialsFile: str(opts.upstreamCredentials),
    upstreamInsecure: opts.upstreamInsecure === true,
  };
  const p = config.securityProfile;
  if (config.certFiles.length !== config.keyFiles.length) throw new Error(`--tls-cert and --tls-key come in pairs: got ${config.certFiles.length} certificate(s) and ${config.keyFiles.length} key(s)`);
  if ((p === 0 || p === 1) && config.certFiles.length > 0) throw new Error(`security profile ${p} is plain ws://: drop --tls-cert/--tls-key, or use profile 2 or 3`);
  if ((p === 2 || p === 3) && config.certFiles.length === 0) throw new Error(`security profile ${p} needs --tls-cert and --tls-key (make them with "ocpp-mitm tls init")`);
  if (p === 3 && config.clientCaFiles.length === 0) throw new Error('security profile 3 needs --tls-client-ca (the CA that signs station certificates)');
  if (p !== 3 && config.clientCaFiles.length > 0) throw new Error('--tls-client-ca is for security profile 3');
  if (p !== 3 && config.clientOrg !== undefined) throw new Error('--tls-client-org is for security profile 3');
  if (config.stationCredentialsFile && p !== 1 && p !== 2) throw new Error('--station-credentials checks Basic auth: it needs --security-profile 1 or 2');
  if (Boolean(config.upstreamCert) !== Boolean(config.upstreamKey)) throw new Error('--upstream-cert and --upstream-key go together');
  return config;
}
