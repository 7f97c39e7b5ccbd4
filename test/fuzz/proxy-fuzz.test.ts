/**
 * Property-based fuzz of the running proxy (fast-check), bounded for CI: 20 seconds of generated frames per
 * validation mode. The longer run is `node --import tsx bench/fuzz.ts --seconds 600`; FUZZ_SECONDS and FUZZ_SEED
 * (printed with every run) reproduce or lengthen this one. The invariants are listed in fuzz-harness.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './fuzz-harness.js';

const seconds = Number(process.env.FUZZ_SECONDS ?? 20);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

for (const mode of ['enforce', 'observe'] as const) {
  test(`fuzz (${mode}): generated frames from both sides, every version, generated handshakes`, async (t) => {
    const r = await runFuzz({ mode, durationMs: seconds * 1000, seed, log: (l) => t.diagnostic(l) });
    t.diagnostic(`seed ${r.seed}: ${r.steps} steps, ${r.handshakes} handshakes, ${r.goodCalls} calls of the well-behaved station`);
    assert.deepEqual(r.violations, [], `seed ${r.seed}`);
    assert.deepEqual(r.errors, [], 'the proxy logged errors');
    assert.ok(r.steps > 50, `only ${r.steps} steps ran`);
    assert.ok(r.goodCalls > 10, 'the well-behaved station kept calling');
    assert.ok(Object.values(r.store).every(([sent]) => sent > 0), JSON.stringify(r.store));
  });
}
