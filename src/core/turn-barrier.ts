/**
 * Holds the socket writes of one event-loop turn until that turn's records are committed (the store's write-ahead
 * log append), so a frame never reaches a peer before its record is safe from a process kill. A socket written to
 * is corked once; at the end of the turn (setImmediate: after the poll phase, so every frame read in this
 * iteration shares one commit) the recorders commit, then every held socket is uncorked and its writes go out
 * together. Used only when some addon records: without one, writes go out as they are made.
 */
import type { Writable } from 'node:stream';

export class TurnBarrier {
  private readonly held = new Set<Writable>();
  private scheduled = false;

  constructor(private readonly commit: () => void) {}

  /** Hold this socket's writes until the turn's records are committed. */
  hold(socket: Writable): void {
    if (!this.held.has(socket)) {
      socket.cork();
      this.held.add(socket);
    }
    this.touch();
  }

  /** Something was recorded: commit at the end of this turn. */
  touch(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.release);
  }

  /** Commit now and let the held writes go (the end of a turn; also before a socket is reset, which drops held bytes). */
  readonly release = (): void => {
    this.scheduled = false;
    try {
      this.commit();
    } finally {
      for (const socket of this.held) socket.uncork();
      this.held.clear();
    }
  };
}
