/**
 * The station leg's security profile, enforced in the `connecting` hook (after TLS, before the CSMS is dialled):
 * profiles 1/2 want HTTP Basic auth whose user name is the station identity (and, with a credentials file, the
 * right password); profile 3 wants the client certificate's CN to be the identity. A refused station gets 401
 * at the WebSocket handshake, like from a CSMS. Certificate validity itself is checked by TLS (listener-tls.ts).
 */
import type { Logger } from 'pino';
import type { Addon, ConnectContext } from '../core/addon.js';
import { parseBasicAuth } from './basic-auth.js';
import type { SecurityProfile } from './options.js';
import { verifyPassword, type StationCredentials } from './station-credentials.js';

export interface StationAuthOptions {
  securityProfile: SecurityProfile | undefined;
  cnCheck: boolean;
  /** Profile 3: the O the client certificate must carry (the CPO, A00.FR.404); unchecked when undefined. */
  clientOrg?: string;
  credentials?: StationCredentials;
  logger: Logger;
}

/**
 * One attribute (CN, O) of a subject however it is spelled: Node's multi-line form ("CN=x\nO=y"), the core's
 * "CN=x, O=y", or OpenSSL's slash form ("/O=y/CN=x"). OCPP identities hold no ',', '/' or newline, so
 * splitting is safe for CN; an O with a comma is compared as far as the comma.
 */
export function subjectAttribute(subject: string | undefined, name: 'CN' | 'O'): string | undefined {
  if (!subject) return undefined;
  const re = new RegExp(`^${name}\\s*=\\s*(.*)$`, 'i');
  for (const part of subject.split(/\n|,\s*|\//)) {
    const m = part.trim().match(re);
    if (m) return m[1];
  }
  return undefined;
}

export const commonNameOf = (subject: string | undefined) => subjectAttribute(subject, 'CN');

/** Profile the station actually uses, for the record when none is enforced. */
function observedProfile(ctx: ConnectContext, hasBasic: boolean): SecurityProfile {
  if (ctx.tls?.clientSubject) return 3;
  if (ctx.tls) return hasBasic ? 2 : 0;
  return hasBasic ? 1 : 0;
}

export function stationAuthAddon(opts: StationAuthOptions): Addon {
  const log = opts.logger.child({ addon: 'tls-station' });

  const refuse = (ctx: ConnectContext, status: number, reason: string) => {
    // The relay logs the refusal itself (once, with identity, address, status and reason): this is the detail.
    // Never the header or the password.
    log.debug({ identity: ctx.identity, remoteAddress: ctx.remoteAddress, securityProfile: opts.securityProfile, status, reason }, 'station refused');
    ctx.reject(status, reason);
  };

  return {
    name: 'tls-station',
    async connecting(ctx) {
      const basic = parseBasicAuth(ctx.requestHeaders.authorization, ctx.identity);
      const profile = opts.securityProfile;
      if (ctx.tls) log.debug({ identity: ctx.identity, tlsVersion: ctx.tls.version, cipher: ctx.tls.cipher, clientSubject: ctx.tls.clientSubject }, 'station TLS');
      if (profile === undefined) {
        ctx.securityProfile = observedProfile(ctx, basic !== undefined);
        return;
      }
      ctx.securityProfile = profile;
      if (profile === 1 || profile === 2) {
        if (profile === 2 && !ctx.tls) return refuse(ctx, 400, 'security profile 2 requires TLS');
        if (!basic) return refuse(ctx, 401, `security profile ${profile} requires HTTP Basic auth`);
        if (basic.user !== ctx.identity) return refuse(ctx, 401, 'Basic-auth user name is not the station identity');
        if (opts.credentials) {
          const hash = opts.credentials.get(ctx.identity);
          if (!hash) return refuse(ctx, 401, 'station not in the credentials file');
          if (!(await verifyPassword(basic.password, hash))) return refuse(ctx, 401, 'wrong Basic-auth password');
        }
        return;
      }
      if (profile === 3) {
        if (!ctx.tls?.clientSubject) return refuse(ctx, 401, 'security profile 3 requires a client certificate');
        const cn = commonNameOf(ctx.tls.clientSubject);
        if (opts.cnCheck && cn !== ctx.identity) {
          return refuse(ctx, 401, `client certificate CN "${cn ?? ''}" is not the station identity (use --no-cn-check to allow)`);
        }
        const org = subjectAttribute(ctx.tls.clientSubject, 'O');
        if (opts.clientOrg !== undefined && org !== opts.clientOrg) {
          return refuse(ctx, 401, `client certificate O "${org ?? ''}" is not the CPO "${opts.clientOrg}"`);
        }
      }
    },
  };
}
