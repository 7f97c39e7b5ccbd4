/** Messages between the proxy (ChdbProcessBackend) and its chDB helper process (chdb-host.ts). */
import type { RowFormat } from './backend.js';

export type HostRequest =
  | { id: number; op: 'version' }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'insert'; table: string; values: Uint8Array; format: RowFormat; columns?: readonly string[] }
  | { id: number; op: 'query'; sql: string }
  | { id: number; op: 'close' };

export interface HostError {
  name: string;
  message: string;
  /** ClickHouse could not take it now (as opposed to refusing the statement). */
  unavailable: boolean;
}

export type HostReply =
  | { type: 'ready'; pid: number }
  | { type: 'fatal'; error: HostError }
  | { type: 'reply'; id: number; value?: unknown; error?: HostError };
