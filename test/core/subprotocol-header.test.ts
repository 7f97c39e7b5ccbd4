/** The station's subprotocol header, read strictly: tokens, comma-separated, none twice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSubprotocols } from '../../src/core/subprotocol-header.js';

test('a list of tokens, spaces and empty items tolerated', () => {
  assert.deepEqual(parseSubprotocols(undefined), { protocols: [] });
  assert.deepEqual(parseSubprotocols('ocpp2.1, ocpp2.0.1,,ocpp1.6 '), { protocols: ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'] });
});

test('a name that is no token, or one offered twice, is refused with the reason', () => {
  assert.deepEqual(parseSubprotocols('ocpp1.6, ocpp 2.0.1'), { error: 'Sec-WebSocket-Protocol offers "ocpp 2.0.1", which is not a token (RFC 6455 §4.1)' });
  assert.deepEqual(parseSubprotocols('ocpp1.6,ocpp1.6'), { error: 'Sec-WebSocket-Protocol offers "ocpp1.6", twice (RFC 6455 §4.1)' });
  assert.ok('error' in parseSubprotocols('ocpp1.6;q=1'));
});
