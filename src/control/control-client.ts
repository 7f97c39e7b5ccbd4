/**
 * How other commands (report, frames, audit, tui) reach a running proxy: the proxy writes
 * `<data>/control.json` (mode 0600) with its loopback URL and token, and removes it on a clean exit. Calls go
 * through the typed client, api-client.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ControlInfo {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  token: string;
  pid: number;
}

export const controlFilePath = (dataDir: string): string => join(dataDir, 'control.json');

/** The running proxy's control info, or undefined when no proxy holds this data folder. */
export async function readControlInfo(dataDir: string): Promise<ControlInfo | undefined> {
  let info: ControlInfo;
  try {
    info = JSON.parse(await readFile(controlFilePath(dataDir), 'utf8')) as ControlInfo;
  } catch {
    return undefined;
  }
  return isAlive(info.pid) ? info : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
