/** A pane's title bar: highlighted when the pane has the focus (k9s-style, no box borders to save rows). */
import { Box, Text } from 'ink';

export function PaneTitle({ title, focused, right, width }: { title: string; focused: boolean; right?: string; width: number }) {
  const text = ` ${title} `;
  const tail = right ? ` ${right} ` : '';
  const fill = Math.max(0, width - text.length - tail.length - 2);
  return (
    <Box width={width}>
      <Text color={focused ? 'cyan' : 'gray'} bold={focused} wrap="truncate-end">
        {'─'}
        <Text inverse={focused}>{text}</Text>
        {'─'.repeat(fill)}
        {tail}
        {'─'}
      </Text>
    </Box>
  );
}
