/**
 * Watches the top level of the rule folder and calls back once a burst of changes settles (editors write a file
 * in several steps: truncate, write, rename). A folder that does not exist yet is polled until it appears.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface DirWatch {
  close(): void;
}

export function watchDir(dir: string, onChange: () => void, opts: { debounceMs?: number; pollMs?: number; onError?: (err: Error) => void } = {}): DirWatch {
  const debounceMs = opts.debounceMs ?? 150;
  const pollMs = opts.pollMs ?? 1000;
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  let closed = false;

  const changed = (): void => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      if (closed) return;
      // inotify watches the folder itself: once it is removed, wait for a new one to appear.
      void stat(dir).catch(() => {
        watcher?.close();
        watcher = undefined;
        startPolling();
      });
      onChange();
    }, debounceMs);
    debounce.unref();
  };

  const arm = (): void => {
    if (closed) return;
    try {
      watcher = watch(dir, { persistent: false }, changed);
      watcher.on('error', (err) => {
        // The folder went away (or the watch broke): read what is left, then wait for it to come back.
        watcher?.close();
        watcher = undefined;
        opts.onError?.(err);
        changed();
        startPolling();
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') opts.onError?.(err as Error);
      startPolling();
    }
  };

  const startPolling = (): void => {
    if (closed || poll) return;
    poll = setInterval(() => {
      void stat(dir).then(
        (s) => {
          if (!s.isDirectory() || closed) return;
          clearInterval(poll);
          poll = undefined;
          arm();
          changed();
        },
        () => undefined,
      );
    }, pollMs);
    poll.unref();
  };

  arm();
  return {
    close() {
      closed = true;
      watcher?.close();
      if (debounce) clearTimeout(debounce);
      if (poll) clearInterval(poll);
    },
  };
}
