/**
 * The proxy fuzz, longer than CI's: generated frames from both sides in every version, generated handshakes, a
 * well-behaved station throughout, in observe and enforce (see test/fuzz/fuzz-harness.ts for the invariants).
 *   node --import tsx bench/fuzz.ts [--seconds 300] [--mode enforce|observe|both] [--seed N]
 * Exits 1 and prints each violation (with the seed to replay it) when an invariant broke.
 */
import { parseArgs } from 'node:util';
import { runFuzz } from '../test/fuzz/fuzz-harness.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '300' }, mode: { type: 'string', default: 'both' }, seed: { type: 'string' } },
});
const modes = values.mode === 'both' ? (['enforce', 'observe'] as const) : [values.mode as 'enforce' | 'observe'];
let failed = false;
for (const mode of modes) {
  const r = await runFuzz({ mode, durationMs: Number(values.seconds) * 1000, seed: values.seed ? Number(values.seed) : undefined, log: (l) => console.log(l) });
  console.log(`${mode}: ${r.steps} steps, ${r.handshakes} handshakes, ${r.goodCalls} well-behaved calls, seed ${r.seed}`);
  for (const [k, [sent, stored]] of Object.entries(r.store)) console.log(`  store ${k}: sent ${sent}, rows ${stored}`);
  for (const v of r.violations) console.log(`  VIOLATION ${v}`);
  for (const e of r.errors) console.log(`  ERROR LOGGED ${e}`);
  failed ||= r.violations.length > 0 || r.errors.length > 0;
}
process.exit(failed ? 1 : 0);
