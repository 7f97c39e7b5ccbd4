/**
 * The step between OCPP 2.1 and an older side (2.0.1, or 1.6 through the 1.6 ↔ 2.0.1 tables). 2.1 extends
 * 2.0.1 and renames nothing, so the step is a pair of checks rather than a mapping (see docs/translation.md):
 * - from the 2.1 side: a SEND or CALLRESULTERROR has no older form (dropped, recorded); a CALL of an action the
 *   older side lacks is answered NotImplemented; a frame that is not valid 2.0.1 (a 2.1-only field or value) is
 *   refused naming what cannot be translated;
 * - toward the 2.1 side: the frame, as finally translated, must meet 2.1's tightened constraints (minimum: 0,
 *   evseId ≥ 1, a few new required fields); one that does not is refused, so a strict 2.1 peer never gets it.
 */
import type { RelayMessage } from '../core/relay-message.js';
import type { OcppFrame, OcppVersion, ValidationResult } from '../core/types.js';
import type { OcppValidator } from '../validation/validator.js';

/** What the 2.0.1 form of a version is: 2.1 goes through it, 1.6 and 2.0.1 are their own. */
export const baseVersion = (v: OcppVersion): '1.6' | '2.0.1' => (v === '1.6' ? '1.6' : '2.0.1');

/** What the step decided for a frame from the 2.1 side. */
export type FromNewer =
  | { kind: 'pass' }
  | { kind: 'drop'; why: string }
  | { kind: 'refuse'; code: 'NotImplemented' | 'NotSupported'; why: string };

const first = (r: ValidationResult): string => {
  const [i, ...rest] = r.issues;
  return i ? `${i.message}${rest.length ? ` (+${rest.length} more)` : ''}` : 'invalid';
};

/** A frame read from the 2.1 side, bound for an older one (`older`: the receiver's version). */
export function fromNewer(validator: OcppValidator, msg: RelayMessage, frame: OcppFrame, older: OcppVersion): FromNewer {
  const who = msg.direction === 'to-csms' ? 'station' : 'CSMS';
  switch (frame.type) {
    case 6:
      return { kind: 'drop', why: `SEND ${frame.action} (OCPP 2.1) not forwarded: the ${who === 'station' ? 'CSMS' : 'station'} speaks OCPP ${older}, which has no SEND` };
    case 5:
      return { kind: 'drop', why: `CALLRESULTERROR ${frame.code} (OCPP 2.1) not forwarded: OCPP ${older} has no CALLRESULTERROR` };
    case 2: {
      if (!validator.hasAction('2.0.1', frame.action)) {
        return { kind: 'refuse', code: 'NotImplemented', why: `${frame.action} is OCPP 2.1 only: the ${who === 'station' ? 'CSMS' : 'station'} speaks OCPP ${older}` };
      }
      const r = validator.validate('2.0.1', 'request', frame.action, frame.payload);
      if (r.valid) return { kind: 'pass' };
      return { kind: 'refuse', code: 'NotSupported', why: `${frame.action} cannot be translated to OCPP ${older}: ${first(r)} in OCPP 2.0.1 terms` };
    }
    case 3: {
      if (!msg.action || !validator.hasAction('2.0.1', msg.action)) return { kind: 'pass' };
      const r = validator.validate('2.0.1', 'response', msg.action, frame.payload);
      if (r.valid) return { kind: 'pass' };
      return { kind: 'refuse', code: 'NotSupported', why: `the answer to ${msg.action} cannot be translated to OCPP ${older}: ${first(r)} in OCPP 2.0.1 terms` };
    }
    case 4:
      return { kind: 'pass' };
  }
}

/** The frame as it will be written to the 2.1 side: undefined when valid 2.1, else why not. */
export function towardNewer(validator: OcppValidator, msg: RelayMessage): string | undefined {
  const frame = msg.frame;
  if (!frame) return undefined;
  let r: ValidationResult | undefined;
  if (frame.type === 2) r = validator.validate('2.1', 'request', frame.action, frame.payload);
  else if (frame.type === 3 && msg.action) r = validator.validate('2.1', 'response', msg.action, frame.payload);
  if (!r || r.valid) return undefined;
  const what = frame.type === 2 ? frame.action : `the answer to ${msg.action}`;
  return `${what} breaks OCPP 2.1: ${first(r)}`;
}
