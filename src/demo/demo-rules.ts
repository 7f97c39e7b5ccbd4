/** The rule file the demo loads, so the live view has rule hits, a delayed and a modified frame to show. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEMO_RULES = `# Written by "ocpp-mitm demo". Toggle these from the live view (3, then space).
rules:
  - id: demo-slow-heartbeat-answer
    description: every 3rd Heartbeat answer held back 250 ms
    match: { direction: to-station, type: CALLRESULT, action: Heartbeat }
    when: { every: 3 }
    actions:
      - delay: 250
  - id: demo-meter-rewrite
    description: every 2nd OCPP 1.6 MeterValues reaches the CSMS with its energy reading replaced by 999999
    match: { direction: to-csms, type: CALL, action: MeterValues, version: "1.6" }
    when: { every: 2 }
    actions:
      - set: { /meterValue/0/sampledValue/0/value: "999999" }
  - id: demo-drop-stream-sample
    description: every 5th OCPP 2.1 SEND of a periodic event stream kept from the CSMS
    match: { direction: to-csms, type: SEND, action: NotifyPeriodicEventStream, version: "2.1" }
    when: { every: 5 }
    actions:
      - drop: { reason: demo drops a stream sample }
`;

/** Write the demo rules into `<dir>/demo-rules.yaml`; returns the folder. */
export async function writeDemoRules(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'demo-rules.yaml'), DEMO_RULES);
  return dir;
}
