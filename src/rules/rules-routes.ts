/** The rules' part of the control API: list with hit counts, switch a rule on or off, reload the folder. */
import { ControlError, typedRoutes, type ControlRoutes } from '../core/control-routes.js';
import type { ReloadResult, RulesView, RuleView } from './rule-views.js';

/** What the routes need of the rules addon (declared here so the addon may import this file). */
export interface RulesControl {
  list(): RulesView;
  rule(id: string): RuleView | undefined;
  setEnabled(id: string, enabled: boolean): RuleView | undefined;
  reload(): Promise<ReloadResult>;
}

/** The rules' routes and their answers: part of the control API's contract (src/control/contract.ts). */
export interface RulesRoutes {
  'GET /api/rules': { response: RulesView };
  'GET /api/rules/:id': { params: { id: string }; response: RuleView };
  'POST /api/rules/:id/enable': { params: { id: string }; response: RuleView };
  'POST /api/rules/:id/disable': { params: { id: string }; response: RuleView };
  /** 422 when the folder's content is refused (the rules in force stay). */
  'POST /api/rules/reload': { response: Extract<ReloadResult, { ok: true }> };
}

export function registerRulesRoutes(control: ControlRoutes, rules: RulesControl): void {
  const route = typedRoutes<RulesRoutes>(control);
  route('GET /api/rules', () => rules.list());
  route('GET /api/rules/:id', (req) => rules.rule(req.params.id!) ?? notFound(req.params.id!));
  route('POST /api/rules/:id/enable', (req) => rules.setEnabled(req.params.id!, true) ?? notFound(req.params.id!));
  route('POST /api/rules/:id/disable', (req) => rules.setEnabled(req.params.id!, false) ?? notFound(req.params.id!));
  route('POST /api/rules/reload', async () => {
    const result = await rules.reload();
    // 422: the folder is readable but its content is refused; the rules in force stay.
    if (!result.ok) throw new ControlError(422, `rules refused, the rules in force stay:\n${result.problems.join('\n')}`);
    return result;
  });
}

function notFound(id: string): never {
  throw new ControlError(404, `no rule with id "${id}" (GET /api/rules lists them)`);
}
