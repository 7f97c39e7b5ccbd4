/** A capture file that cannot be read: the message names the line or entry at fault. */
export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}
