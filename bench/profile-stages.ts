/**
 * A V8 CPU profile of the proxy, read per stage of a frame's way through it: where each sample's own time went,
 * by the file its function is in. For the per-stage table of bench/README.md (issue 23: measure first).
 *   node --import tsx bench/profile-stages.ts [--calls N] DIR/*.cpuprofile
 * Samples of the idle loop are left out; the rest add up to 100 %. With --calls N (the CALLs the profiled proxy
 * carried: compare-bench prints it), each stage is also given in µs per CALL, which compares across runs where a
 * share cannot (a stage that got cheaper raises every other stage's share). Work done once at start (compiling the
 * schemas, loading modules) is a stage of its own: it is not a frame's cost.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** First match wins: the stage a function's file belongs to. */
const STAGES: Array<[string, RegExp]> = [
  ['ws: receive and send (framing, masking, UTF-8 check)', /node_modules\/ws\//],
  ['decode (OCPP-J text → frame, depth bound)', /src\/core\/frame-codec/],
  // Ajv's code generators run once per schema (the background warm-up after start), never per frame.
  ['start: compiling the schemas (once)', /node_modules\/ajv\/dist\/(compile|vocabularies)\/|src\/validation\/schema-/],
  ['validation (Ajv schemas)', /src\/validation\/|node_modules\/ajv/],
  ['rules', /src\/rules\//],
  ['translation', /src\/translate\//],
  ['KPI engine', /src\/kpi\//],
  ['store: rows, TSV, write-ahead log', /src\/store\//],
  ['control API: event stream, counters', /src\/control\//],
  ['metrics, health (fleet)', /src\/fleet\/|node_modules\/prom-client/],
  ['intercept, mirror', /src\/intercept\/|src\/mirror\//],
  ['observer queue', /src\/core\/observer-queue/],
  ['relay core: session, correlation, dispatch, record', /src\/core\//],
  ['logging', /node_modules\/pino|src\/log/],
  ['start: loading modules (once)', /^node:internal\/(modules|deps\/cjs-module-lexer)\//],
  ['node: sockets, streams, timers', /^node:|internal\//],
];

/**
 * Node's Buffer, file and checksum helpers do work for whoever calls them: a Buffer write of the store's TSV
 * encoder is the store's cost, not the sockets'. Their time goes to the nearest caller outside them.
 */
const HELPERS = /^node:(buffer|zlib|fs|internal\/(buffer|fs\/|validators|errors))/;

/**
 * A function without a file (JSON.parse, Buffer and string builtins, native code) is charged to the nearest caller
 * that has one: JSON.parse called by the store is the store's work.
 */
function stageOf(n: ProfileNode, parent: Map<number, ProfileNode>): string | undefined {
  const { functionName } = n.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') return undefined;
  if (functionName === '(garbage collector)') return 'garbage collection';
  for (let at: ProfileNode | undefined = n; at; at = parent.get(at.id)) {
    const url = at.callFrame.url;
    if (!url || (HELPERS.test(url) && parent.has(at.id))) continue;
    return STAGES.find(([, re]) => re.test(url))?.[0] ?? 'other';
  }
  return 'other (native, no JS caller)';
}

const argv = process.argv.slice(2);
const callsAt = argv.indexOf('--calls');
const calls = callsAt >= 0 ? Number(argv.splice(callsAt, 2)[1]) : undefined;
const totals = new Map<string, number>();
let all = 0;
for (const file of argv) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  // Each sample is one interval of the sampled function's own time.
  const interval = (p.endTime - p.startTime) / Math.max(1, p.samples.length);
  for (const id of p.samples) {
    const stage = stageOf(byId.get(id)!, parent);
    if (!stage) continue;
    totals.set(stage, (totals.get(stage) ?? 0) + interval);
    all += interval;
  }
}
if (all === 0) {
  console.error('no busy samples: give the .cpuprofile files the proxy wrote');
  process.exit(1);
}
console.table(
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([stage, us]) => ({
      stage,
      'CPU ms': Math.round(us / 1000),
      share: `${((100 * us) / all).toFixed(1)} %`,
      ...(calls ? { 'µs per CALL': (us / calls).toFixed(2) } : {}),
    })),
);
if (calls) console.log(`all stages: ${(all / calls).toFixed(1)} µs of the proxy's CPU per CALL (${calls} CALLs)`);
