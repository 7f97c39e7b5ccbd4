/**
 * The relay core alone (optionally with schema validation), for the relay benchmark's baseline:
 *   node dist/bench/core-proxy.js PORT UPSTREAM [observe|enforce|off]
 * On SIGTERM it prints its event-loop delay and GC pauses, so a latency tail can be traced to its cause.
 */
import '../src/core/v8-tuning.js'; // as src/cli.ts does
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startRelay } from '../src/core/relay.js';
import { createValidationAddon } from '../src/validation/index.js';

const [port, upstream, validate = 'observe'] = process.argv.slice(2);
const mode = validate as 'observe' | 'enforce' | 'off';
const relay = await startRelay({
  listen: { host: '127.0.0.1', port: Number(port) },
  upstream: upstream!,
  malformed: mode === 'enforce' ? 'refuse' : 'forward',
  pingInterval: 0,
  addons: mode === 'off' ? [] : [createValidationAddon({ mode })],
});
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const gc: number[] = [];
const gcByKind = new Map<number, { n: number; max: number; total: number }>();
new PerformanceObserver((list) =>
  list.getEntries().forEach((e) => {
    gc.push(e.duration);
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    const k = gcByKind.get(kind) ?? { n: 0, max: 0, total: 0 };
    k.n++;
    k.max = Math.max(k.max, e.duration);
    k.total += e.duration;
    gcByKind.set(kind, k);
  }),
).observe({ entryTypes: ['gc'] });
process.on('SIGTERM', () => {
  const ms = (ns: number): string => (ns / 1e6).toFixed(2);
  const sorted = [...gc].sort((a, b) => a - b);
  process.stderr.write(
    `core-proxy: event-loop delay p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} max ${ms(loop.max)} ms; ` +
      `GC pauses ${gc.length}, p99 ${(sorted[Math.floor(sorted.length * 0.99)] ?? 0).toFixed(2)} max ${(sorted.at(-1) ?? 0).toFixed(2)} ms; ` +
      `by kind (1 minor, 2 major, 4 incremental): ${[...gcByKind].map(([k, v]) => `${k}: ${v.n}× max ${v.max.toFixed(1)} total ${v.total.toFixed(0)}`).join(', ')}\n`,
  );
  void relay.close().then(() => process.exit(0));
});
