/** `?`: every key, generated from the keymap table, plus the filter language and the flag legend. */
import { Box, Text } from 'ink';
import { FLAG_LEGEND } from '../format.js';
import { helpSections } from '../keymap.js';

export function HelpOverlay({ width, rows }: { width: number; rows: number }) {
  const lines: Array<{ text: string; bold?: boolean; dim?: boolean }> = [];
  for (const section of helpSections()) {
    lines.push({ text: section.title, bold: true });
    for (const row of section.rows) lines.push({ text: `  ${row.keys.padEnd(16)} ${row.description}` });
  }
  lines.push({ text: 'Filter (/): terms all must hold; ! negates', bold: true });
  lines.push({ text: '  station:CP*  action:Boot*  dir:up|down  kind:call|result|error  rule:ID|*  is:invalid  version:1.6  word' });
  lines.push({ text: `Flags: ${FLAG_LEGEND}`, bold: true });
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Text bold color="cyan">
        Keys (esc or ? to close)
      </Text>
      {lines.slice(0, rows - 1).map((l, i) => (
        <Text key={i} bold={l.bold} wrap="truncate-end">
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
