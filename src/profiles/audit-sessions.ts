/** Checks on a station's sessions: OCPP version, security profile and TLS cipher suite vs what was certified. */
import { versionOfProtocol } from '../core/types.js';
import { ianaCipher, isTls13Suite } from './cipher-names.js';
import type { CertifiedProfile } from './profile-types.js';
import { toIso, type AuditSession, type FindingSink } from './audit-types.js';

export function checkSessions(station: string, profile: CertifiedProfile, sessions: readonly AuditSession[], sink: FindingSink): void {
  const certifiedSuites = new Set((profile.cipherSuites ?? []).map(ianaCipher));
  for (const s of sessions) {
    const ev = { at: toIso(s.openedAt), sessionId: s.sessionId };
    const version = versionOfProtocol(s.stationProtocol);
    if (version && version !== profile.ocppVersion) {
      sink.add(
        { level: 'error', station, code: 'ocpp_version_mismatch', message: `station speaks OCPP ${version}; the profile certifies OCPP ${profile.ocppVersion}` },
        version,
        ev,
      );
    }
    const certifiedProfiles = profile.securityProfiles ?? [];
    if (certifiedProfiles.length > 0 && !certifiedProfiles.includes(s.securityProfile)) {
      sink.add(
        {
          level: 'error',
          station,
          code: 'security_profile_not_certified',
          message: `session at security profile ${s.securityProfile}; certified: ${certifiedProfiles.join(', ')}`,
        },
        String(s.securityProfile),
        ev,
      );
    }
    if (!s.tlsCipher || certifiedSuites.size === 0) continue;
    const suite = ianaCipher(s.tlsCipher);
    if (certifiedSuites.has(suite)) continue;
    const tls13 = isTls13Suite(suite) || /1\.3/.test(s.tlsVersion);
    sink.add(
      tls13
        ? { level: 'info', station, code: 'cipher_not_listed', message: `TLS 1.3 suite ${suite} in use; the certificate lists TLS 1.2 suites only (${[...certifiedSuites].join(', ')})` }
        : { level: 'error', station, code: 'cipher_not_certified', message: `cipher suite ${suite} in use; certified: ${[...certifiedSuites].join(', ')}` },
      suite,
      ev,
    );
  }
}
