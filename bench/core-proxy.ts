/**
 * The relay core alone (optionally with schema validation), for the relay benchmark's baseline:
 *   node dist/bench/core-proxy.js PORT UPSTREAM [observe|enforce|off]
 */
import { startRelay } from '../src/core/relay.js';
import { createValidationAddon } from '../src/validation/index.js';

const [port, upstream, validate = 'observe'] = process.argv.slice(2);
const mode = validate as 'observe' | 'enforce' | 'off';
const relay = await startRelay({
  listen: { host: '127.0.0.1', port: Number(port) },
  upstream: upstream!,
  validate: mode,
  pingInterval: 0,
  addons: mode === 'off' ? [] : [createValidationAddon({ mode })],
});
process.on('SIGTERM', () => void relay.close().then(() => process.exit(0)));
