/** Where the store keeps things inside the `--data` folder. */
import { join } from 'node:path';

/** The embedded ClickHouse (chDB) folder. */
export const chdbDir = (dataDir: string): string => join(dataDir, 'clickhouse');
/** The write-ahead log: every row before it is inserted (see wal.ts). */
export const walDir = (dataDir: string): string => join(dataDir, 'wal');
/** Rows earlier versions left waiting for ClickHouse (replayed at start); rows ClickHouse refused, under rejected/. */
export const spoolDir = (dataDir: string): string => join(dataDir, 'spool');
