/**
 * What the control API's event stream costs per event with no client attached (its backlog for a client that
 * attaches later), and the garbage collections it causes: the EventStream alone, fed the events a Heartbeat
 * exchange makes (the CALL's record, the CALLRESULT's record, a KPI sample), fresh objects each, as the relay
 * publishes them.
 *
 *   node --import tsx bench/control-stream-bench.ts [--seconds 4] [--rates max,2000,10000,40000] [--garbage 2048]
 *
 * `max` publishes flat out and gives the CPU per event; a number paces the events (per second) and shows what
 * the backlog does to the heap at that rate: scavenges and mark-compacts while `--garbage` bytes per event of
 * other short-lived objects (the relay's own work) churn the young generation alongside. That churn is not the
 * proxy's: a backlog that held its newest events as objects for tens of ms looked harmless here and tripled the
 * proxy's mark-compacts under compare-bench's load. Judge the heap with `compare-bench.ts --gc`.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { RelayEvent } from '../src/core/addon.js';
import type { MessageRecord } from '../src/core/relay-message.js';
import type { SessionInfo } from '../src/core/types.js';
import { EventStream } from '../src/control/event-stream.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rates: { type: 'string', default: 'max,2000,10000,40000' },
    garbage: { type: 'string', default: '2048' },
  },
});
const SECONDS = Number(args.seconds);
const GARBAGE = Number(args.garbage);

const session: SessionInfo = Object.freeze({
  id: 's-1', identity: 'BENCH-1', path: '/ocpp/BENCH-1', remoteAddress: '127.0.0.1', offeredProtocols: ['ocpp1.6'],
  stationProtocol: 'ocpp1.6', csmsProtocol: 'ocpp1.6', stationVersion: '1.6', csmsVersion: '1.6',
  upstreamUrl: 'ws://127.0.0.1:9000/ocpp/', tls: undefined, securityProfile: 0, basicAuthUser: undefined, openedAt: Date.now() * 1000,
});

/** A record in the shape (and key order) RelayMessage.toRecord makes. */
function record(seq: number, answer: boolean): MessageRecord {
  const now = Date.now() * 1000;
  const text = answer ? `[3,"${seq >> 1}",{"currentTime":"2026-01-01T00:00:00.000Z"}]` : `[2,"${seq >> 1}","Heartbeat",{}]`;
  return {
    seq, sessionId: session.id, identity: session.identity, direction: answer ? 'to-station' : 'to-csms', origin: 'wire',
    madeBy: undefined, version: '1.6', receivedAt: now, sentAt: now + 40, kind: answer ? 'CALLRESULT' : 'CALL',
    messageId: String(seq >> 1), action: 'Heartbeat', text, original: undefined, size: text.length, valid: true, issues: [],
    errorCode: undefined, malformed: undefined, dropped: undefined, ruleDelayMs: 0, modified: false, changedBy: [], ruleIds: [],
    latencyMs: answer ? 0.412 : undefined, callAction: answer ? 'Heartbeat' : undefined,
  };
}

function event(i: number): RelayEvent {
  if (i % 3 === 2) {
    return { type: 'kpi', sample: { kpi: 'heartbeat', sessionId: session.id, identity: session.identity, version: '1.6', action: 'Heartbeat', endAction: 'Heartbeat', messageId: String(i), valueMs: 0.4, timedOut: false, at: Date.now() * 1000 } } as unknown as RelayEvent;
  }
  return { type: 'message', message: record(i, i % 3 === 1) };
}

let sink: unknown;
const churn = (): void => {
  // Short-lived objects, as the relay's own work per event makes (buffers, frames, closures).
  const a: unknown[] = [];
  for (let b = 0; b < GARBAGE; b += 64) a.push({ b, s: 'x' });
  sink = a;
};

const gcs = { scavenge: 0, markCompact: 0, minor: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = ((e as unknown as { detail?: { kind?: number } }).detail)?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.markCompact++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.scavenge++;
    else gcs.minor++;
  }
}).observe({ entryTypes: ['gc'] });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Pass {
  events: number;
  cpuUs: number;
}

/** Publish for SECONDS at `rate` (or flat out) into `publish`; CPU and collections over the pass. */
async function pass(rate: number | 'max', publish: (e: RelayEvent) => void): Promise<Pass> {
  await sleep(50);
  Object.assign(gcs, { scavenge: 0, markCompact: 0, minor: 0 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    // Slices of 1 ms: timers (the backlog's own, if any) run between them, as between the relay's turns.
    const sliceEnd = performance.now() + 1;
    const due = rate === 'max' ? Infinity : Math.floor(((performance.now() - t0) / 1000) * rate);
    while (n < due && performance.now() < sliceEnd) {
      if (GARBAGE) churn();
      publish(event(n++));
    }
    await new Promise((r) => setImmediate(r));
    if (rate !== 'max') await sleep(1);
  }
  const cpu = process.cpuUsage(cpu0);
  return { events: n, cpuUs: cpu.user + cpu.system };
}

async function run(rate: number | 'max'): Promise<Record<string, string | number>> {
  let cost = '';
  if (rate === 'max') {
    // The same loop with nothing published: what making the events (and the churn) costs, taken off.
    const idle = await pass(rate, () => undefined);
    const stream = new EventStream();
    const busy = await pass(rate, (e) => stream.publish(e));
    stream.close();
    cost = (busy.cpuUs / busy.events - idle.cpuUs / idle.events).toFixed(2);
  }
  const stream = new EventStream();
  const p = await pass(rate, (e) => stream.publish(e));
  const seen = { ...gcs };
  stream.close();
  void sink;
  return {
    rate: rate === 'max' ? 'flat out' : `${rate}/s`,
    events: p.events,
    'CPU µs per event published': cost,
    scavenges: seen.scavenge,
    'mark-compacts': seen.markCompact,
  };
}

const results = [];
for (const r of args.rates.split(',')) results.push(await run(r === 'max' ? 'max' : Number(r)));
console.table(results);
