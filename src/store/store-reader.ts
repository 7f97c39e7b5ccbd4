/**
 * The store's read side, shared by `report`, `frames`, `audit` and the TUI.
 *
 * One owner per chDB folder: while a proxy runs on a data folder it holds the embedded store's lock, so readers go
 * through its control API; when no proxy runs, the reader opens the store itself.
 */
import type { OpenStoreReaderOptions, StoreReader } from './store-types.js';

export type * from './store-types.js';

/** Opens the running proxy's store through its control API when one holds the folder, else the store itself. */
export async function openStoreReader(opts: OpenStoreReaderOptions): Promise<StoreReader> {
  // Imported lazily so that code which only needs the types does not load chDB or the ClickHouse client.
  const { openReader } = await import('./open-reader.js');
  return openReader(opts);
}
