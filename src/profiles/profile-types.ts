/**
 * The certified profile: what an OCA certification report states about one product, in a form the audit reads.
 * `profile.schema.json` is the same shape as a JSON Schema; keep the two in step.
 */
import type { OcppVersion } from '../core/types.js';

/** The four KPIs a certification report measures (DESIGN.md), in the proxy's own names. */
export const CERTIFIED_KPIS = ['response_time', 'triggered_function', 'remote_start_authorization', 'remote_stop_end'] as const;
export type CertifiedKpi = (typeof CERTIFIED_KPIS)[number];

/** One KPI as certified, in seconds; null where the report says "not measurable" or gives nothing. */
export interface KpiFigures {
  declaredMaxS: number | null;
  minS: number | null;
  maxS: number | null;
  avgS: number | null;
}

export interface HardwareRow {
  feature: string;
  value: string;
}

export interface FeatureRow {
  name: string;
  /** As written ("Yes", "No", a list, ...); null for a group row without a value of its own. */
  value: string | null;
  /** Meter value tables have a second column: what the vendor says is supported beyond what was tested. */
  vendorValue?: string | null;
}

/** One row of the connector table (1.6: per connector; 2.0.1: per EVSE and connector). */
export interface ConnectorRow {
  evse?: number;
  connector: number;
  current: string;
  phases: number | null;
  type: string;
  cableType: string;
}

/** Which stations a profile applies to: identity globs, BootNotification facts (globs), or both (all must match). */
export interface ProfileBinding {
  stations?: string[];
  match?: { vendor?: string; model?: string; firmware?: string };
}

export interface FamilyMember {
  product: string;
  configId: string | null;
  description: string;
  /** From the member's own vendor declaration, when the report attaches one. */
  firmwareVersion?: string;
  testDate?: string;
  profiles?: Record<string, string>;
  hardware?: Record<string, HardwareRow>;
  evseCount?: number | null;
  connectors?: ConnectorRow[];
  settings?: Record<string, string | number>;
}

export type SettingValue = string | number;

export interface CertifiedProfile {
  $schema?: string;
  certificateNumber?: string;
  /** The "- update-yyyy-mm-dd" suffix some certificate numbers carry. */
  certificateUpdate?: string;
  holder?: string;
  product: string;
  productType?: string;
  softwareVersion?: string;
  configId?: string;
  /** ISO yyyy-mm-dd. */
  certificationDate?: string;
  ocppVersion: OcppVersion;
  testLab?: string;
  testReportReference?: string;
  /** Certification profile → result as written ("Pass", "Not Tested", ...). */
  profiles?: Record<string, string>;
  /** Certification extensions (1.6 security extension) → result. */
  extensions?: Record<string, string>;
  hardware?: Record<string, HardwareRow>;
  /** EVSEs (2.0.1) or connectors (1.6). */
  evseCount?: number | null;
  connectors?: ConnectorRow[];
  features?: Record<string, FeatureRow>;
  additionalQuestions?: Record<string, FeatureRow>;
  /** Other Relevant Settings and vendor-specific settings: name → value (numbers where the text is a plain number). */
  settings?: Record<string, SettingValue>;
  cipherSuites?: string[];
  /** Security profiles certified (0 = plain ws without the 1.6 security extension). */
  securityProfiles?: number[];
  kpis?: Partial<Record<CertifiedKpi, KpiFigures | null>>;
  family?: FamilyMember[];
  /** Set on a family member's profile (`profile import --member`): the representative product it was certified with. */
  representativeProduct?: string;
  /** On a family member's profile: when the vendor tested the member itself (its declaration; not independently verified). */
  memberTestDate?: string;
  binding?: ProfileBinding;
}
