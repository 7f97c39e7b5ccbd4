/** The rules' part of the control API: list with hit counts, switch a rule on or off, reload the folder. */
import { ControlError, type ControlRoutes } from '../core/control-routes.js';
import type { ReloadResult, RulesView, RuleView } from './rule-views.js';

/** What the routes need of the rules addon (declared here so the addon may import this file). */
export interface RulesControl {
  list(): RulesView;
  rule(id: string): RuleView | undefined;
  setEnabled(id: string, enabled: boolean): RuleView | undefined;
  reload(): Promise<ReloadResult>;
}

export function registerRulesRoutes(control: ControlRoutes, rules: RulesControl): void {
  control.route('GET', '/api/rules', () => rules.list());
  control.route('GET', '/api/rules/:id', (req) => rules.rule(req.params.id!) ?? notFound(req.params.id!));
  control.route('POST', '/api/rules/:id/enable', (req) => rules.setEnabled(req.params.id!, true) ?? notFound(req.params.id!));
  control.route('POST', '/api/rules/:id/disable', (req) => rules.setEnabled(req.params.id!, false) ?? notFound(req.params.id!));
  control.route('POST', '/api/rules/reload', async () => {
    const result = await rules.reload();
    // 422: the folder is readable but its content is refused; the rules in force stay.
    if (!result.ok) throw new ControlError(422, `rules refused, the rules in force stay:\n${result.problems.join('\n')}`);
    return result;
  });
}

function notFound(id: string): never {
  throw new ControlError(404, `no rule with id "${id}" (GET /api/rules lists them)`);
}
