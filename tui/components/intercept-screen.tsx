/**
 * Frames held by the intercept, each with the seconds left before it is released unchanged, and the selected
 * one's text. Keys (intercept screen): enter/f forward, e edit in $EDITOR, ! force a refused edit, d drop, a answer.
 */
import { Box, Text } from 'ink';
import { cell, KIND_SHORT } from '../format.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

export function InterceptScreen({ width, rows, cursor: at }: { width: number; rows: number; cursor: number }) {
  const store = useViewStore();
  const view = store.intercept;
  if (!view) {
    return (
      <Box flexDirection="column" width={width}>
        <PaneTitle title="Intercept" focused width={width} />
        <Text dimColor>  this proxy has no intercept (GET /api/intercept answered 404)</Text>
      </Box>
    );
  }
  const held = view.held;
  const elapsed = Date.now() - store.interceptReadAt;
  const cursor = Math.min(at, Math.max(0, held.length - 1));
  const selected = held[cursor];
  const listRows = Math.max(1, Math.min(held.length || 1, Math.floor((rows - 3) / 2)));
  const top = Math.max(0, cursor - listRows + 1);
  const textRows = Math.max(0, rows - 3 - listRows);
  const preview = selected ? prettyLines(selected.text).slice(0, textRows) : [];
  const idWidth = Math.min(20, Math.max(8, Math.floor(width * 0.2)));
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`Intercept ${held.length} held`} focused width={width} right={`release after ${Math.round(view.timeoutMs / 1000)}s`} />
      <Text wrap="truncate-end">
        <Text dimColor>  filter </Text>
        {view.filter ? <Text color="yellow">{view.filter}</Text> : <Text dimColor>none (:intercept TEXT holds what matches)</Text>}
        {held.length > listRows && <Text dimColor>{`  ${cursor + 1}/${held.length}`}</Text>}
      </Text>
      {held.length === 0 && <Text dimColor>  nothing held</Text>}
      {held.slice(top, top + listRows).map((h, i) => {
        const left = Math.max(0, Math.ceil((h.remainingMs - elapsed) / 1000));
        return (
          <Text key={h.id} inverse={top + i === cursor} wrap="truncate-end">
            {top + i === cursor ? '▸ ' : '  '}
            <Text color={left <= 10 ? 'red' : 'yellow'}>{cell(`${left}s`, 5, 'right')}</Text> {cell(h.identity, idWidth)} {h.direction === 'to-csms' ? '↑' : '↓'} {cell(KIND_SHORT[h.kind], 4)} {cell(h.action ?? '', 24)} {h.messageId}
          </Text>
        );
      })}
      {store.refusedEdit && store.refusedEdit.id === selected?.id && <Text color="red" wrap="truncate-end">  the schema refused the last edit: ! sends it anyway</Text>}
      {preview.map((line, i) => (
        <Text key={i} dimColor wrap="truncate-end">
          {'  '}
          {line}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">  enter/f forward  e edit  a answer  d drop  ! force  :intercept TEXT</Text>
    </Box>
  );
}

function prettyLines(text: string): string[] {
  try {
    return JSON.stringify(JSON.parse(text), null, 2).split('\n');
  } catch {
    return [text];
  }
}
