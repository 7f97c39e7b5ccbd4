/** The rule-file JSON Schema: rule-file.schema.json with its action step filled in from the action registry. */
import base from './rule-file.schema.json' with { type: 'json' };
import { actionStepSchema } from './actions/index.js';

export type RuleFileSchema = Omit<typeof base, 'definitions'> & {
  definitions: Omit<typeof base.definitions, 'action'> & { action: Record<string, unknown> };
};

export function ruleFileSchema(): RuleFileSchema {
  const schema: RuleFileSchema = structuredClone(base);
  schema.definitions.action = actionStepSchema();
  return schema;
}
