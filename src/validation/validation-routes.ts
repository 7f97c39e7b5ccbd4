/** Validation's part of the control API: the mode in force, the schemas and what was checked. */
import { typedRoutes, type ControlRoutes } from '../core/control-routes.js';
import type { ValidatorStats } from './validator.js';

export type ValidationMode = 'observe' | 'enforce';

export interface ValidationCounts {
  /** Frames checked (read from a peer). */
  checked: number;
  invalid: number;
  /** Frames not forwarded because they failed (enforce). */
  refused: number;
  /** Frames on legs without an OCPP version. */
  notChecked: number;
  /** Frames the proxy made or changed, checked on output. */
  outputChecked: number;
  outputInvalid: number;
  /** Invalid frames by the error code a receiver would answer (or the rule, when there is none). */
  byCode: Record<string, number>;
}

export interface ValidationView {
  mode: ValidationMode;
  /** Schema files and actions per OCPP version. */
  schemas: ValidatorStats['schemas'];
  /** Schemas compiled so far (they compile lazily, warmed up in the background). */
  compiled: number;
  counts: ValidationCounts;
}

export interface ValidationRoutes {
  'GET /api/validation': { response: ValidationView };
}

export function registerValidationRoutes(control: ControlRoutes, view: () => ValidationView): void {
  typedRoutes<ValidationRoutes>(control)('GET /api/validation', view);
}
