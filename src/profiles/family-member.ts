/**
 * A product-family member as a profile of its own. A family certificate covers its members through their vendor
 * declarations: a member keeps the representative's certificate, KPIs, features and security facts, with its own
 * product designation, firmware, profile results, hardware, connectors and settings where its declaration gives them.
 */
import type { CertifiedProfile } from './profile-types.js';

/** The member whose product designation or config id is `name` (case-insensitive), as a profile; undefined if none. */
export function memberProfile(profile: CertifiedProfile, name: string): CertifiedProfile | undefined {
  const want = name.trim().toLowerCase();
  const m = profile.family?.find((f) => f.product.toLowerCase() === want || f.configId?.toLowerCase() === want);
  if (!m) return undefined;
  const { family: _family, binding: _binding, ...base } = profile;
  const out: CertifiedProfile = { ...base, product: m.product, representativeProduct: profile.product };
  if (m.configId) out.configId = m.configId;
  else delete out.configId;
  if (m.firmwareVersion) out.softwareVersion = m.firmwareVersion;
  if (m.testDate) out.memberTestDate = m.testDate;
  if (m.profiles && Object.keys(m.profiles).length > 0) out.profiles = m.profiles;
  if (m.hardware && Object.keys(m.hardware).length > 0) out.hardware = m.hardware;
  if (m.evseCount !== undefined) out.evseCount = m.evseCount;
  if (m.connectors && m.connectors.length > 0) out.connectors = m.connectors;
  if (m.settings && Object.keys(m.settings).length > 0) out.settings = { ...profile.settings, ...m.settings };
  return out;
}

export const memberNames = (profile: CertifiedProfile): string[] => (profile.family ?? []).map((f) => f.product);
