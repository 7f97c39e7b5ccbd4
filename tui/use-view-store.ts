/** Subscribe a component to the view store. The store already batches its notifications (≤ ~15/s). */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ViewStore } from './view-store.js';

export const ViewStoreContext = createContext<ViewStore | undefined>(undefined);

export function useViewStore(): ViewStore {
  const store = useContext(ViewStoreContext);
  if (!store) throw new Error('useViewStore outside <ViewStoreContext.Provider>');
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store;
}
