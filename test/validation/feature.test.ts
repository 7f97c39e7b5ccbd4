import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELAY_DEFAULTS } from '../../src/core/relay.js';
import { silentLogger } from '../../src/log.js';
import { validationFeature } from '../../src/validation/index.js';

const env = { logger: silentLogger(), relay: { ...RELAY_DEFAULTS, upstream: 'ws://127.0.0.1:1/ocpp/' } };

test('--validate picks the addon: observe and enforce add it, off adds none', async () => {
  for (const mode of ['observe', 'enforce'] as const) {
    const addons = await validationFeature.addons!({ validate: mode }, env);
    assert.deepEqual(addons.map((a) => a.name), ['validation']);
  }
  assert.deepEqual(await validationFeature.addons!({ validate: 'off' }, env), []);
  // Without the option: observe. The feature owns --validate and tells the relay what to do with malformed frames.
  assert.deepEqual((await validationFeature.addons!({}, env)).map((a) => a.name), ['validation']);
  assert.deepEqual(validationFeature.relayOptions!({ validate: 'enforce' }), { malformed: 'refuse' });
  assert.deepEqual(validationFeature.relayOptions!({ validate: 'observe' }), { malformed: 'forward' });
  assert.deepEqual(validationFeature.relayOptions!({}), { malformed: 'forward' });
  assert.throws(() => validationFeature.addons!({ validate: 'strict' }, env), /--validate must be observe, enforce or off, not "strict"/);
});
