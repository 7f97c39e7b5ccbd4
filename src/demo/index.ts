/**
 * The demo as a feature: `ocpp-mitm demo` runs a simulated CSMS and stations through a real proxy with every
 * feature of this build (given by the CLI, so the demo imports none of them).
 * @example ocpp-mitm demo --no-tui --duration 20
 */
import type { Feature } from '../core/feature.js';
import { demoCommand } from './demo-command.js';

export const demoFeature: Feature = {
  name: 'demo',
  commands: (program, ctx) => demoCommand(program, ctx),
};
