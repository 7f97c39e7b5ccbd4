/** 3: the rules with their hit counts; space/enter/e toggles the one under the cursor through the control API. */
import { RulesScreen } from '../components/rules-screen.js';
import { causeFirst } from '../format.js';
import type { PanelSpec } from './panel-spec.js';

const ID = 'rules';

export const rulesPanel: PanelSpec = {
  id: ID,
  key: '3',
  title: 'Rules',
  description: 'rules with hit counts',
  hint: 'rules',
  // No rules addon (undefined) still leaves the cursor one row to stand on.
  rows: (store) => store.rules?.length ?? 1,
  component: RulesScreen,
  keys: [
    {
      keys: ['space', 'enter', 'e'],
      command: 'toggle-rule',
      description: 'enable or disable the rule',
      run: ({ store, setRuleEnabled }) => {
        const rule = store.rules?.[store.cursor(ID)];
        if (!rule) return store.setFlash(store.rules ? 'no rule selected' : 'no rules addon on this proxy');
        if (!setRuleEnabled) return store.setFlash('rules cannot be changed from here');
        const enable = !rule.enabled;
        setRuleEnabled(rule.id, enable).then(
          () => store.setFlash(`rule ${rule.id} ${enable ? 'enabled' : 'disabled'}`),
          (err: unknown) => store.setFlash(`rule ${rule.id}: ${causeFirst((err as Error).message)}`),
        );
      },
    },
  ],
};
