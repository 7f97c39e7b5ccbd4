/**
 * The rule-action registry: every action a rule step may name, each defined in one file of this folder.
 * Adding an action is one file here plus its line below; the rule-file schema, the load-time checks, the
 * compiler and `rules explain` all read this table.
 */
import type { ActionSpec } from './action-spec.js';
import { answerAction } from './answer.js';
import { delayAction } from './delay.js';
import { deleteAction } from './delete.js';
import { disconnectAction } from './disconnect.js';
import { dropAction } from './drop.js';
import { duplicateAction } from './duplicate.js';
import { injectAction } from './inject.js';
import { malformedAction } from './malformed.js';
import { renameAction } from './rename.js';
import { replaceAction } from './replace.js';
import { setAction } from './set.js';

export const ACTIONS = {
  set: setAction,
  delete: deleteAction,
  rename: renameAction,
  replace: replaceAction,
  delay: delayAction,
  drop: dropAction,
  duplicate: duplicateAction,
  answer: answerAction,
  inject: injectAction,
  disconnect: disconnectAction,
  malformed: malformedAction,
} as const;

type Actions = typeof ACTIONS;
export type ActionName = keyof Actions;
type ValueOf<K extends ActionName> = Actions[K] extends ActionSpec<infer V> ? V : never;

/** One step of a rule as written: exactly one key, the action's name (the file schema enforces it). */
export type RuleActionDef = { [K in ActionName]: { [P in K]: ValueOf<K> } }[ActionName];

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export const actionName = (a: RuleActionDef): ActionName => Object.keys(a)[0] as ActionName;

/** The step's action and value, typed loosely enough to call any of the spec's functions with it. */
export function specOf(a: RuleActionDef): { name: ActionName; spec: ActionSpec<unknown>; value: unknown } {
  const name = actionName(a);
  return { name, spec: ACTIONS[name] as ActionSpec<unknown>, value: (a as Record<string, unknown>)[name] };
}

/** Does this step end the frame's journey (nothing may follow it)? */
export function isFinal(a: RuleActionDef): boolean {
  const { spec, value } = specOf(a);
  return spec.isFinal(value);
}

/** Do later rules skip a frame this step ended? */
export function endsFrame(a: RuleActionDef): boolean {
  const { spec, value } = specOf(a);
  return spec.endsFrame ? spec.endsFrame(value) : spec.isFinal(value);
}

/** The JSON Schema of one step: exactly one key, among the actions, each with its value's schema. */
export function actionStepSchema(): Record<string, unknown> {
  return {
    description: 'One step: an object with exactly one key naming the action',
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    propertyNames: { enum: ACTION_NAMES },
    properties: Object.fromEntries(ACTION_NAMES.map((n) => [n, ACTIONS[n].schema])),
  };
}

export type { ActionSpec, Step, StepCtx, StepEnv } from './action-spec.js';
