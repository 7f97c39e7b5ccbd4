/** The selected frame in full: see detail-lines.ts for what is shown. Scrolls when focused or zoomed. */
import { Box, Text } from 'ink';
import { detailLines } from '../detail-lines.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

export function DetailPane({ width, rows }: { width: number; rows: number }) {
  const store = useViewStore();
  const r = store.selected;
  const focused = store.focus === 'detail' || store.detailZoom;
  const lines = r ? detailLines(r, store.partnerOf(r), width) : [{ text: 'no frame selected', color: 'gray' as const }];
  const maxScroll = Math.max(0, lines.length - rows);
  if (store.detailScroll > maxScroll) store.detailScroll = maxScroll;
  const shown = lines.slice(store.detailScroll, store.detailScroll + rows);
  const more = lines.length > rows ? `${store.detailScroll + 1}-${store.detailScroll + shown.length}/${lines.length}` : undefined;
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={store.detailZoom ? 'Detail (esc or enter: back)' : 'Detail'} focused={focused} width={width} right={more} />
      {shown.map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold} wrap="truncate-end">
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
      {Array.from({ length: Math.max(0, rows - shown.length) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
    </Box>
  );
}
