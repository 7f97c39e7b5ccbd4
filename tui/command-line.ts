/**
 * The `:` prompt (k9s, vim): what keys do, typed. `:filter TEXT`, `:intercept TEXT` (empty: hold nothing),
 * `:rule on|off ID`, `:help`. Unknown commands say what exists.
 */
import type { CommandEnv } from './command-env.js';
import { editInEditor } from './external-editor.js';
import { exportFiltered } from './export-view.js';
import { parseGotoTime } from './goto-time.js';
import { composeCall } from './send-commands.js';
import { sortLabel, STATION_SORTS, type StationSortKey } from './station-sort.js';

interface PromptCommand {
  name: string;
  usage: string;
  description: string;
  run(arg: string, env: CommandEnv): void;
}

export const PROMPT_COMMANDS: readonly PromptCommand[] = [
  {
    name: 'filter',
    usage: ':filter TEXT',
    description: 'filter the traffic (the / language; empty clears it)',
    run(arg, { store }) {
      const error = store.applyFilter(arg);
      store.setFlash(error ? `filter: ${error}` : arg ? `filter: ${arg}` : 'filter cleared');
    },
  },
  {
    name: 'intercept',
    usage: ':intercept TEXT',
    description: 'hold frames matching TEXT (the / language; empty holds nothing)',
    run(arg, { store, intercept }) {
      if (!intercept) return store.setFlash('this proxy has no intercept');
      intercept.setFilter(arg).then(
        (v) => {
          store.setIntercept(v);
          store.setFlash(v.filter ? `intercepting: ${v.filter} (4 shows what is held)` : 'intercept off');
        },
        (err: unknown) => store.setFlash((err as Error).message.replace(/^control API \S+ \S+: /, '')),
      );
    },
  },
  {
    name: 'rule',
    usage: ':rule on|off ID',
    description: 'enable or disable a rule',
    run(arg, { store, setRuleEnabled }) {
      const [state, id] = arg.split(/\s+/);
      if ((state !== 'on' && state !== 'off') || !id) return store.setFlash('usage: :rule on|off ID');
      if (!setRuleEnabled) return store.setFlash('rules cannot be changed from here');
      setRuleEnabled(id, state === 'on').then(
        () => store.setFlash(`rule ${id} ${state === 'on' ? 'enabled' : 'disabled'}`),
        (err: unknown) => store.setFlash(`rule ${id}: ${(err as Error).message}`),
      );
    },
  },
  {
    name: 'send',
    usage: ':send ACTION [station|csms]',
    description: "compose a CALL from the action's template for the selected station (or, as it, to the CSMS)",
    run(arg, { store, inject, edit }) {
      composeCall(arg, store, inject, edit ?? editInEditor);
    },
  },
  {
    name: 'export',
    usage: ':export FILE[.har]',
    description: 'write the frames in view (the filter applied) to FILE: a capture in JSON lines, or HAR for .har',
    run(arg, { store }) {
      if (!arg) return store.setFlash('usage: :export FILE');
      exportFiltered(store, arg).then(
        (r) => store.setFlash(`exported ${r.frames} frames of ${r.sessions} session(s) to ${r.path} (${r.format})`),
        (err: NodeJS.ErrnoException) => store.setFlash(err.code === 'EEXIST' ? `${arg} exists: give a new file name` : `export: ${err.message}`),
      );
    },
  },
  {
    name: 'goto',
    usage: ':goto HH:MM[:SS[.mmm]]',
    description: 'select the first frame in view at or after that time (or an ISO date-time), paging back into the store if need be',
    run(arg, { store, history }) {
      let newest: number | undefined;
      for (const r of store.filteredRecords()) newest = r.receivedAt;
      const t = parseGotoTime(arg, newest);
      if (!t.ok) return store.setFlash(`goto: ${t.error}`);
      const go = (): void => {
        if (!store.gotoTime(t.micros)) store.setFlash(`goto: no frame in view at or after ${arg} (the buffer holds ${store.viewCount})`);
      };
      const oldest = store.records.at(0)?.receivedAt;
      // Older than what is held: page back into the store first.
      if (history && (oldest === undefined || t.micros < oldest)) {
        store.setFlash('goto: loading history…');
        void history.reach(store, t.micros).then((problem) => {
          go();
          const first = store.records.at(0)?.receivedAt;
          if (problem && first !== undefined && first > t.micros) store.setFlash(`goto: ${arg} is before what could be loaded (${problem}); the oldest frame loaded is selected`);
        });
        return;
      }
      go();
    },
  },
  {
    name: 'sort',
    usage: `:sort ${STATION_SORTS.join('|')} [asc|desc]`,
    description: 'order the station table',
    run(arg, { store }) {
      const [key, order] = arg.split(/\s+/);
      const match = STATION_SORTS.filter((k) => k.startsWith(key ?? ''));
      if (!key || match.length !== 1) return store.setFlash(`usage: :sort ${STATION_SORTS.join('|')} [asc|desc]`);
      const chosen = match[0] as StationSortKey;
      const natural = chosen === 'identity' || chosen === 'version' ? 'asc' : 'desc';
      store.sortStationsBy(chosen, order === undefined ? false : order !== natural);
      store.setFlash(`stations ${sortLabel(store.stationSort)}`);
    },
  },
  {
    name: 'help',
    usage: ':help',
    description: 'list these commands',
    run(_arg, { store }) {
      store.setFlash(PROMPT_COMMANDS.map((c) => c.usage).join('  '));
    },
  },
];

/** Run one prompt line (without the leading ':'). */
export function runPromptLine(line: string, env: CommandEnv): void {
  const text = line.trim();
  if (!text) return;
  const space = text.search(/\s/);
  const word = space < 0 ? text : text.slice(0, space);
  const arg = space < 0 ? '' : text.slice(space + 1).trim();
  const matches = PROMPT_COMMANDS.filter((c) => c.name.startsWith(word));
  const command = matches.find((c) => c.name === word) ?? (matches.length === 1 ? matches[0] : undefined);
  if (!command) return env.store.setFlash(`unknown command :${word} (${PROMPT_COMMANDS.map((c) => c.usage).join('  ')})`);
  command.run(arg, env);
}
