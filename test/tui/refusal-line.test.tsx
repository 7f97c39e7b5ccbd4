/**
 * A refused rule change on the one-line status bar at 80 columns: the cause comes first, so the cut falls on the
 * summary ("… refused, the rules in force stay"), not on the reason.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import { causeFirst } from '../../tui/format.js';
import { renderApp } from '../support/view-rig.js';
import { ruleView } from '../support/control-views.js';

afterEach(() => cleanup());

const PROBLEM = 'tags.yaml:7:18: rule "broken" › actions[0]: unknown action "explode"';

test('a refused rule change and a refused toggle show their cause within 80 columns', async () => {
  const { store, waitFor, press } = renderApp({
    size: { columns: 80, rows: 24 },
    onQuit: () => undefined,
    setRuleEnabled: async () => {
      throw new Error(`rules refused, the rules in force stay:\n${PROBLEM}`);
    },
  });
  store.ingest({ type: 'notice', level: 'error', source: 'rules', text: `rules: change in ./my-rules refused, the 3 rules in force stay:\n${PROBLEM}` });
  let f = await waitFor('the notice', (s) => s.includes('rules:'));
  assert.match(f, /rules: tags\.yaml:7:18: rule "broken" › actions\[0\]: unknown action "explode"/);

  store.rules = [ruleView({ id: 'broken', enabled: true, hits: 0 })];
  store.changed();
  await press('3');
  await waitFor('the rules screen', (s) => s.includes('broken'));
  await press(' ');
  f = await waitFor('the refused toggle', (s) => s.includes('rule broken:'));
  assert.match(f, /rule broken: tags\.yaml:7:18: rule "broken" › actions\[0\]/);

  assert.equal(causeFirst('one line'), 'one line');
  assert.equal(causeFirst('head:\na\nb'), 'a · b — head');
});
