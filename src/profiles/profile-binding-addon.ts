/**
 * Certified profiles on a running proxy: which profile applies to each station, decided the way `audit` decides
 * it (bindings.ts, first match wins) but live. A station is bound when it connects (identity globs) and again
 * when its BootNotification arrives (vendor, model, firmware). Only the `observe` hook is used: binding is
 * bookkeeping and must never delay a frame.
 *
 * Boot facts are kept per identity across reconnects: a 1.6 station sends BootNotification after a reboot, not
 * after every reconnect, and its next session is still the same product.
 *
 * Routes: GET /api/profiles (the loaded profiles and their certified KPIs), GET /api/profiles/bound?station=GLOB
 * (every station seen since start, with its profile and certified KPIs). The live view's KPI screen joins the
 * latter with GET /api/kpis (see live-verdict.ts).
 */
import { basename } from 'node:path';
import picomatch from 'picomatch';
import type { Addon, AddonContext, RelayEvent } from '../core/addon.js';
import type { MessageRecord } from '../core/relay-message.js';
import type { OcppVersion } from '../core/types.js';
import { payloadOf } from './audit-types.js';
import { bootFactsOf, createResolver, type BindingRule, type BootFacts, type ProfileResolver, type Resolved } from './bindings.js';
import type { LoadedProfile } from './profile-load.js';
import { CERTIFIED_KPIS, type CertifiedKpi, type CertifiedProfile, type KpiFigures, type ProfileBinding } from './profile-types.js';
import { typedRoutes } from '../core/control-routes.js';

export interface ProfileBindingOptions {
  /** Profiles of `--profile` / `--profiles`, in the order the resolver should try their own `binding` keys. */
  profiles: readonly LoadedProfile[];
  /** Rules of a bindings file (`--bindings`), tried first. */
  bindings?: readonly BindingRule[];
}

/** How a station got its profile: its identity alone, facts of its BootNotification, or being the only profile. */
export type BoundVia = 'identity' | 'boot' | 'only profile';

/** Every certified KPI, null where the profile has no row for it. */
export type CertifiedKpis = Record<CertifiedKpi, KpiFigures | null>;

/** A profile as the routes name it. `name` is its file name without `.json`. */
export interface ProfileSummary {
  name: string;
  file: string;
  product: string;
  certificateNumber: string | null;
  holder: string | null;
  softwareVersion: string | null;
  ocppVersion: OcppVersion;
}

/** GET /api/profiles: one per loaded profile. */
export interface ProfileView extends ProfileSummary {
  binding: ProfileBinding | null;
  kpis: CertifiedKpis;
}

/** GET /api/profiles/bound: one per station seen since the proxy started. */
export interface BoundStation {
  station: string;
  /** At least one session of the station is open. */
  connected: boolean;
  /** From its last BootNotification (this run), null before one was seen. */
  boot: BootFacts | null;
  profile: ProfileSummary | null;
  via: BoundVia | null;
  /** The rule that bound it: `bindings.yaml#2`, `profile binding`, `only profile`. */
  source: string | null;
  /** When the current binding (or its absence) was decided, ISO. */
  since: string;
  kpis: CertifiedKpis | null;
}

/** Certified profiles' part of the control API. */
export interface ProfileRoutes {
  'GET /api/profiles': { response: ProfileView[] };
  /** `station`: an identity or a glob. */
  'GET /api/profiles/bound': { query: { station?: string }; response: BoundStation[] };
}

export type ProfileBindingAddon = Addon & {
  /** Stations seen since start, by identity; `station` is an identity or a glob (picomatch). */
  bound(station?: string): BoundStation[];
  profiles(): ProfileView[];
};

interface StationState {
  identity: string;
  sessions: Set<string>;
  boot: BootFacts | undefined;
  resolved: Resolved | undefined;
  via: BoundVia | undefined;
  since: number;
  /** The last notice given about it, so the same one is not given twice. */
  said: string | undefined;
}

export function summaryOf(loaded: LoadedProfile): ProfileSummary {
  const p = loaded.profile;
  return {
    name: basename(loaded.file).replace(/\.json$/i, ''),
    file: loaded.file,
    product: p.product,
    certificateNumber: p.certificateNumber ?? null,
    holder: p.holder ?? null,
    softwareVersion: p.softwareVersion ?? null,
    ocppVersion: p.ocppVersion,
  };
}

export function certifiedKpisOf(profile: CertifiedProfile): CertifiedKpis {
  return Object.fromEntries(CERTIFIED_KPIS.map((k) => [k, profile.kpis?.[k] ?? null])) as CertifiedKpis;
}

/** Every distinct profile the options name (a bindings file may point at profiles no folder holds). */
function distinctProfiles(opts: ProfileBindingOptions): LoadedProfile[] {
  const byFile = new Map<string, LoadedProfile>();
  for (const l of [...opts.profiles, ...(opts.bindings ?? []).map((r) => r.loaded)]) if (!byFile.has(l.file)) byFile.set(l.file, l);
  return [...byFile.values()];
}

function viaOf(resolve: ProfileResolver, identity: string, r: Resolved): BoundVia {
  if (r.source === 'only profile') return 'only profile';
  const withoutBoot = resolve(identity, undefined);
  return withoutBoot && withoutBoot.source === r.source && withoutBoot.loaded === r.loaded ? 'identity' : 'boot';
}

const describeBoot = (b: BootFacts | undefined): string => (b ? [b.vendor, b.model, b.firmware].filter(Boolean).join(' / ') : 'no BootNotification yet');

export function createProfileBindingAddon(opts: ProfileBindingOptions): ProfileBindingAddon {
  const resolve = createResolver(opts.bindings ?? [], opts.profiles);
  const all = distinctProfiles(opts);
  const stations = new Map<string, StationState>();
  let ctx: AddonContext | undefined;

  function stateOf(identity: string): StationState {
    let st = stations.get(identity);
    if (!st) stations.set(identity, (st = { identity, sessions: new Set(), boot: undefined, resolved: undefined, via: undefined, since: Date.now(), said: undefined }));
    return st;
  }

  function rebind(st: StationState, sessionId: string | undefined, onBoot: boolean): void {
    const r = resolve(st.identity, st.boot);
    const via = r ? viaOf(resolve, st.identity, r) : undefined;
    if (r?.loaded !== st.resolved?.loaded || r?.source !== st.resolved?.source || via !== st.via) st.since = Date.now();
    st.resolved = r;
    st.via = via;
    // A station nothing binds by its identity is only worth a word once it said what it is (BootNotification).
    if (!r && !onBoot) return;
    const text = r
      ? `${st.identity}: certified profile ${summaryOf(r.loaded).name} (${r.loaded.profile.product}) by ${via} [${r.source}]`
      : `${st.identity}: no certified profile binds it (${describeBoot(st.boot)})`;
    // Once per change: reconnects and repeated BootNotifications that change nothing stay quiet.
    if (text === st.said) return;
    st.said = text;
    ctx?.logger.info({ station: st.identity, profile: r?.loaded.file, source: r?.source, via, boot: st.boot }, text);
    ctx?.publish({ type: 'notice', level: 'info', source: 'profiles', text, identity: st.identity, sessionId });
  }

  function onBootNotification(rec: MessageRecord): void {
    // The station's own words: the text as received (a rule or translation may have changed what went on).
    const facts = bootFactsOf(payloadOf(rec.original ?? rec.text));
    if (!facts) return;
    const st = stateOf(rec.identity);
    // Its session-open may have been shed; a frame of a session already closed must not mark it connected.
    if (ctx?.session(rec.sessionId)) st.sessions.add(rec.sessionId);
    st.boot = facts;
    rebind(st, rec.sessionId, true);
  }

  function observe(event: RelayEvent): void {
    switch (event.type) {
      case 'session-open': {
        const st = stateOf(event.session.identity);
        st.sessions.add(event.session.id);
        rebind(st, event.session.id, false);
        return;
      }
      case 'session-close':
        stations.get(event.session.identity)?.sessions.delete(event.session.id);
        return;
      case 'message': {
        const m = event.message;
        if (m.direction === 'to-csms' && m.kind === 'CALL' && m.action === 'BootNotification' && m.origin === 'wire') onBootNotification(m);
        return;
      }
      default:
        return;
    }
  }

  function bound(station?: string): BoundStation[] {
    const isMatch = station ? picomatch(station, { dot: true }) : () => true;
    return [...stations.values()]
      .filter((st) => st.identity === station || isMatch(st.identity))
      .sort((a, b) => a.identity.localeCompare(b.identity))
      .map((st) => ({
        station: st.identity,
        connected: st.sessions.size > 0,
        boot: st.boot ?? null,
        profile: st.resolved ? summaryOf(st.resolved.loaded) : null,
        via: st.via ?? null,
        source: st.resolved?.source ?? null,
        since: new Date(st.since).toISOString(),
        kpis: st.resolved ? certifiedKpisOf(st.resolved.loaded.profile) : null,
      }));
  }

  function profiles(): ProfileView[] {
    return all.map((l) => ({ ...summaryOf(l), binding: l.profile.binding ?? null, kpis: certifiedKpisOf(l.profile) }));
  }

  return {
    name: 'profiles',
    start(c) {
      ctx = c;
      const route = typedRoutes<ProfileRoutes>(c.control);
      route('GET /api/profiles', () => profiles());
      route('GET /api/profiles/bound', (req) => bound(req.query.get('station') ?? undefined));
    },
    observe,
    bound,
    profiles,
  };
}
