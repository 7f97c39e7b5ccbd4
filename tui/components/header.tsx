/** Two lines: where the proxy listens and relays to, then the relay's vital signs. */
import { Box, Text } from 'ink';
import { rate } from '../format.js';
import { useViewStore } from '../use-view-store.js';

export function Header({ width }: { width: number }) {
  const store = useViewStore();
  const s = store.stats;
  const listen = s.listen ? `${s.listen.host}:${s.listen.port || '?'}` : '…';
  const open = [...store.stations.values()].filter((r) => r.open).length;
  const invalid = s.invalid ?? s.framesMalformed ?? 0;
  const queue = store.storeStats?.queued;
  const spooled = store.storeStats?.spooled ?? 0;
  const storeState = store.storeStats?.state ?? 'up';
  const conn =
    store.connection === 'live' ? <Text color="green">● live</Text> : store.connection === 'connecting' ? <Text color="yellow">○ connecting</Text> : <Text color="red">✗ {store.connectionError || 'disconnected'}</Text>;
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Text bold color="cyan">ocpp-mitm </Text>
        <Text wrap="truncate-end">
          {listen} <Text dimColor>→</Text> {s.upstream ?? '…'}{'  '}
        </Text>
        <Box flexGrow={1} />
        {conn}
      </Box>
      <Box>
        <Text wrap="truncate-end">
          <Text dimColor>stations </Text>
          <Text bold>{open}</Text>
          <Text dimColor>  msg/s </Text>
          <Text bold>{rate(s.messagesPerSecond)}</Text>
          <Text dimColor>  invalid </Text>
          <Text bold color={invalid > 0 ? 'red' : undefined}>{invalid}</Text>
          <Text dimColor>  rule hits </Text>
          <Text bold color={(s.ruleHits ?? 0) > 0 ? 'magenta' : undefined}>{s.ruleHits ?? 0}</Text>
          {queue !== undefined && (
            <>
              <Text dimColor>  store queue </Text>
              <Text bold>{queue}</Text>
              {spooled > 0 && <Text color="yellow"> +{spooled} spooled</Text>}
              {storeState !== 'up' && <Text color="red"> store {storeState}</Text>}
            </>
          )}
          {store.missed > 0 && <Text color="yellow">  missed {store.missed}</Text>}
          {store.paused && <Text color="yellow" inverse>{` PAUSED +${store.pendingWhilePaused} `}</Text>}
          {!store.paused && store.follow && store.screen === 'live' && <Text color="green"> FOLLOW</Text>}
        </Text>
      </Box>
    </Box>
  );
}
