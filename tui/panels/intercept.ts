/** 4: frames held by the intercept filter, and what to do with the one under the cursor (intercept-commands.ts). */
import { InterceptScreen } from '../components/intercept-screen.js';
import { editInEditor } from '../external-editor.js';
import { runHeldCommand, type HeldCommand } from '../intercept-commands.js';
import type { PanelKey, PanelSpec } from './panel-spec.js';

const ID = 'intercept';

const held = (command: HeldCommand, keys: string[], description: string): PanelKey => ({
  keys,
  command,
  description,
  run: ({ store, intercept, edit }) => runHeldCommand(command, store, store.cursor(ID), intercept, edit ?? editInEditor),
});

export const interceptPanel: PanelSpec = {
  id: ID,
  key: '4',
  title: 'Intercept',
  description: 'intercept: frames held by the intercept filter',
  hint: 'held',
  rows: (store) => store.intercept?.held.length ?? 1,
  component: InterceptScreen,
  keys: [
    held('held-forward', ['enter', 'f'], 'forward the held frame unchanged'),
    held('held-edit', ['e'], 'edit the held frame in $EDITOR, then forward it (schema-checked)'),
    held('held-force', ['!'], 'send the edit the schema refused anyway'),
    held('held-drop', ['d', 'x'], 'drop the held frame'),
    held('held-answer', ['a'], 'answer the held CALL (CALLRESULT or CALLERROR, in $EDITOR)'),
  ],
};
