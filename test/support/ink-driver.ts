/** Reading and typing into an ink-testing-library render: frames without colour codes, waits, key presses. */
const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

export function inkDriver(r: { lastFrame(): string | undefined; stdin: { write(data: string): void } }) {
  const raw = (): string => r.lastFrame() ?? '';
  const frame = (): string => raw().replace(ANSI, '');
  /** Wait until the drawn frame satisfies `ok` (renders are asynchronous). */
  const waitFor = async (what: string, ok: (f: string) => boolean): Promise<string> => {
    const deadline = Date.now() + 3000;
    while (!ok(frame())) {
      if (Date.now() > deadline) throw new Error(`frame never showed ${what}:\n${frame()}`);
      await new Promise((res) => setTimeout(res, 10));
    }
    return frame();
  };
  const press = async (...keys: string[]): Promise<void> => {
    for (const k of keys) {
      r.stdin.write(k);
      await new Promise((res) => setTimeout(res, 15));
    }
  };
  return { raw, frame, waitFor, press };
}
