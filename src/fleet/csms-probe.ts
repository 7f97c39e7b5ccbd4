/**
 * Is the CSMS reachable? A TCP connect to the upstream host and port every few seconds: cheap, says nothing to
 * the CSMS (no WebSocket, no identity), and catches what matters to a balancer (host down, port closed).
 */
import { connect } from 'node:net';

export interface ProbeResult {
  ok: boolean;
  error: string;
}

export function upstreamTarget(upstream: string): { host: string; port: number } {
  const u = new URL(upstream);
  const port = u.port ? Number(u.port) : u.protocol === 'wss:' ? 443 : 80;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (r: ProbeResult): void => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, error: `no answer within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true, error: '' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: err.code ?? err.message }));
  });
}

/** Probe now, then every `everyMs`; `onResult` gets each result. Returns a stop function. */
export function startProbe(upstream: string, everyMs: number, onResult: (r: ProbeResult) => void): { first: Promise<void>; stop(): void } {
  const { host, port } = upstreamTarget(upstream);
  const timeoutMs = Math.min(2000, everyMs);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async (): Promise<void> => {
    const r = await probeTcp(host, port, timeoutMs);
    if (stopped) return;
    onResult(r);
    timer = setTimeout(() => void run(), everyMs);
    timer.unref();
  };
  return {
    first: run(),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
