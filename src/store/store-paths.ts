/** Where the store keeps things inside the `--data` folder. */
import { join } from 'node:path';

/** The embedded ClickHouse (chDB) folder. */
export const chdbDir = (dataDir: string): string => join(dataDir, 'clickhouse');
/** Rows waiting for ClickHouse (append-only JSONL). */
export const spoolDir = (dataDir: string): string => join(dataDir, 'spool');
