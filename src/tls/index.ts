/**
 * TLS termination and OCPP security profiles 1–3 on the station leg, verified TLS with per-station client
 * certificates and credentials toward the CSMS, and the certificate tooling (`ocpp-mitm tls …`).
 */
import type { Feature } from '../core/feature.js';
import { addTlsCommands } from './commands.js';
import { buildListenerTls } from './listener-tls.js';
import { addTlsStartOptions, parseTlsConfig } from './options.js';
import { stationAuthAddon } from './station-auth.js';
import { loadStationCredentials } from './station-credentials.js';
import { secretFileProblem } from './secret-file.js';
import { upstreamTlsAddon } from './upstream-tls.js';

export const tlsFeature: Feature = {
  name: 'tls',
  startOptions: addTlsStartOptions,
  listenerTls(opts, env) {
    return buildListenerTls(parseTlsConfig(opts), env.logger.child({ feature: 'tls' }));
  },
  addons(opts, env) {
    const config = parseTlsConfig(opts);
    const log = env.logger.child({ feature: 'tls' });
    let credentials;
    if (config.stationCredentialsFile) {
      const problem = secretFileProblem(config.stationCredentialsFile);
      if (problem) log.warn({ file: config.stationCredentialsFile }, problem);
      credentials = loadStationCredentials(config.stationCredentialsFile);
      log.info({ file: config.stationCredentialsFile, stations: credentials.size }, 'station passwords are checked');
    }
    const profile = config.securityProfile;
    if ((profile === 2 || profile === 3) && env.relay.upstream.startsWith('ws:')) {
      log.warn({ upstream: env.relay.upstream }, `stations connect with security profile ${profile} but the CSMS leg is plain ws://`);
    }
    return [
      stationAuthAddon({ securityProfile: profile, cnCheck: config.cnCheck, clientOrg: config.clientOrg, credentials, logger: env.logger }),
      upstreamTlsAddon(config, env.relay.upstream, env.logger),
    ];
  },
  commands: (program) => addTlsCommands(program),
};

export { DEFAULT_CIPHERS, parseTlsConfig, type TlsConfig, type SecurityProfile } from './options.js';
export { describeTlsError, describeStationTlsFailure } from './tls-errors.js';
export { initCertDir, issueStationCert, listCertDir, loadCa } from './cert-dir.js';
export { createCa, issueClientCert, issueServerCert } from './issue.js';
export { toPkcs12 } from './pkcs12.js';
export { basicAuthHeader, parseBasicAuth } from './basic-auth.js';
export { hashPassword, verifyPassword } from './station-credentials.js';
