/** The bottom line: the filter prompt while editing (with whether it parses), else hints and messages. */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { PanelSpec } from '../panels/index.js';
import { useViewStore } from '../use-view-store.js';
import { causeFirst } from '../format.js';

const NOTICE_MS = 15_000;

/** The key hints: the panels' keys from their list (those with a hint by name on wide terminals). */
function hints(panels: readonly PanelSpec[]): { wide: string; short: string } {
  const named = panels.flatMap((p) => (p.hint ? [`${p.key} ${p.hint}`] : [])).join(' ');
  return {
    wide: `? help  / filter  : cmd  tab pane  enter open  f follow  p pause  ${named}  q quit`,
    // 80 columns keep every key, written shorter (the help overlay, ?, has them all).
    short: `? help / filter : cmd tab pane ⏎ open f follow p pause ${panels[0]?.key}-${panels.at(-1)?.key} screens q quit`,
  };
}

export function StatusBar({ width, panels }: { width: number; panels: readonly PanelSpec[] }) {
  const store = useViewStore();
  const { wide, short } = useMemo(() => hints(panels), [panels]);
  if (store.editingFilter) {
    return (
      <Box width={width}>
        <Text wrap="truncate-end">
          <Text color="cyan">/</Text>
          {store.filterDraft}
          <Text inverse> </Text>
          {'  '}
          {store.filterError ? <Text color="red">✗ {store.filterError}</Text> : <Text color="green">✓ {store.filterDraft.trim() ? 'filter ok' : 'no filter'}</Text>}
        </Text>
      </Box>
    );
  }
  if (store.editingCommand) {
    return (
      <Box width={width}>
        <Text wrap="truncate-end">
          <Text color="cyan">:</Text>
          {store.commandDraft}
          <Text inverse> </Text>
        </Text>
      </Box>
    );
  }
  // A notice stays on the line for a while, then gives the room back to the hints.
  const notice = store.lastNotice && Date.now() - store.lastNoticeAt < NOTICE_MS ? store.lastNotice : undefined;
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {store.flash ? (
          <Text color="yellow">{store.flash}  </Text>
        ) : notice ? (
          <Text color={notice.level === 'error' ? 'red' : notice.level === 'warn' ? 'yellow' : 'gray'}>
            {`${notice.source}: ${causeFirst(notice.text.startsWith(`${notice.source}:`) ? notice.text.slice(notice.source.length + 1) : notice.text)}`}
            {'  '}
          </Text>
        ) : null}
        <Text dimColor>{width >= 100 ? wide : short}</Text>
      </Text>
    </Box>
  );
}
