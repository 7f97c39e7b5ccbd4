/** Rules with their hit counts; space/enter toggles the one under the cursor through the control API. */
import { Box, Text } from 'ink';
import { cell } from '../format.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

export function RulesScreen({ width, rows, cursor: at }: { width: number; rows: number; cursor: number }) {
  const store = useViewStore();
  const rules = store.rules;
  if (!rules) {
    return (
      <Box flexDirection="column" width={width}>
        <PaneTitle title="Rules" focused width={width} />
        <Text dimColor>  this proxy has no rules addon (GET /api/rules answered 404)</Text>
      </Box>
    );
  }
  const idWidth = Math.min(28, Math.max(10, Math.floor(width * 0.25)));
  const cursor = Math.min(at, Math.max(0, rules.length - 1));
  const top = Math.max(0, cursor - rows + 2);
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`Rules ${rules.length}`} focused width={width} right="space: enable/disable" />
      <Text dimColor wrap="truncate-end">
        {'  '}
        {cell('rule', idWidth)} {cell('state', 8)} {cell('hits', 7, 'right')}  description
      </Text>
      {rules.length === 0 && <Text dimColor>  no rules loaded</Text>}
      {rules.slice(top, top + rows - 1).map((r, i) => (
        <Text key={r.id} inverse={top + i === cursor} wrap="truncate-end">
          {top + i === cursor ? '▸ ' : '  '}
          {cell(r.id, idWidth)} <Text color={r.enabled ? 'green' : 'gray'}>{cell(r.enabled ? '● on' : '○ off', 8)}</Text> {cell(String(r.hits), 7, 'right')}  {r.description ?? r.explain}
        </Text>
      ))}
    </Box>
  );
}
