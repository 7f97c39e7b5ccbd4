/**
 * ocpp-rpc 2.2 ships the OCPP 2.1 schemas with ids `urn:<Action>Request` / `urn:<Action>Response` but looks them up
 * as `urn:<Action>.req` / `.conf`, so its own strict mode finds none for `ocpp2.1`. This is the same schema set under
 * the ids it looks up (schemas untouched apart from the project's fix step, which drops keywords that never
 * constrained anything and that ocpp-rpc's Ajv would log). Pass it as `strictModeValidators` to strict peers.
 */
import { createRequire } from 'node:module';
import { createValidator } from 'ocpp-rpc';
import { applySchemaFixes, type JsonObject } from '../validation/schema-fixes.js';

type RpcValidator = ReturnType<typeof createValidator>;

let built: RpcValidator | undefined;

export function ocpp21StrictValidator(): RpcValidator {
  if (built) return built;
  const bundle = createRequire(import.meta.url)('ocpp-rpc/lib/schemas/ocpp2_1.json') as JsonObject[];
  const renamed = bundle.map((s) => {
    const schema = structuredClone(s);
    schema.$id = String(s.$id).replace(/^urn:(.+)Request$/, 'urn:$1.req').replace(/^urn:(.+)Response$/, 'urn:$1.conf');
    // The 2.0.1-era fixes (the id fix is for the proxy's own Ajv, not needed here: these ids have a dot).
    applySchemaFixes({ version: '2.0.1', action: '', kind: 'request' }, schema);
    return schema;
  });
  built = createValidator('ocpp2.1', renamed);
  return built;
}

/**
 * ocpp-rpc compiles a schema on its first use (tens of ms). Compile all 2.1 schemas now, e.g. before timing a peer
 * to the millisecond.
 */
export function warmOcpp21StrictValidator(): void {
  const ajv = (ocpp21StrictValidator() as unknown as { _ajv: { getSchema(id: string): unknown; schemas: Record<string, unknown> } })._ajv;
  for (const id of Object.keys(ajv.schemas)) if (id.startsWith('urn:')) ajv.getSchema(id);
}
