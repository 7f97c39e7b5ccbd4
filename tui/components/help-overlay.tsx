/** `?`: every key, generated from the keymap table, plus the filter language and the flag legend. */
import { Box, Text } from 'ink';
import { FLAG_LEGEND } from '../format.js';
import { helpSections } from '../keymap.js';
import type { PanelSpec } from '../panels/index.js';
import { useViewStore } from '../use-view-store.js';

export function HelpOverlay({ width, rows, panels }: { width: number; rows: number; panels: readonly PanelSpec[] }) {
  const store = useViewStore();
  const lines: Array<{ text: string; bold?: boolean; dim?: boolean }> = [];
  for (const section of helpSections(panels)) {
    lines.push({ text: section.title, bold: true });
    for (const row of section.rows) lines.push({ text: `  ${row.keys.padEnd(16)} ${row.description}` });
  }
  lines.push({ text: 'Filter (/): terms all must hold; ! negates', bold: true });
  lines.push({ text: '  station:CP*  action:Boot*  dir:up|down  kind:call|result|error  rule:ID|*  is:invalid  version:1.6  word' });
  lines.push({ text: `Flags: ${FLAG_LEGEND}`, bold: true });
  // Small terminals scroll the help with the usual keys.
  const room = rows - 1;
  const top = Math.min(store.helpScroll, Math.max(0, lines.length - room));
  const more = lines.length > room ? `  (${top + 1}-${Math.min(lines.length, top + room)}/${lines.length}, j/k to scroll)` : '';
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Text bold color="cyan" wrap="truncate-end">
        Keys (esc or ? to close){more}
      </Text>
      {lines.slice(top, top + room).map((l, i) => (
        <Text key={i} bold={l.bold} wrap="truncate-end">
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
