/** Starts bench/echo-csms.ts (built, in dist/) in a process of its own: the port it listens on, and how to stop it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface EchoCsms {
  port: number;
  proc: ChildProcess;
  close(): Promise<void>;
}

/** With `delayMs`, every answer waits that long (a slow CSMS). */
export async function startEchoCsms(delayMs = 0): Promise<EchoCsms> {
  const proc = spawn(process.execPath, ['dist/bench/echo-csms.js', String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(proc.stdout!, 'data')) as [Buffer];
  return {
    port: Number(line.toString().trim()),
    proc,
    close: async () => {
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    },
  };
}
