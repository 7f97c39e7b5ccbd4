/** Whether something listens on 127.0.0.1:port within 20 s (a side's process starting up). */
import { connect } from 'node:net';

export async function listening(port: number): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
