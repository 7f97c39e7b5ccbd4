/**
 * The capture commands as a user runs them (the built CLI), over a temporary folder holding a recording of real
 * sessions (record-sessions.ts): what the export, import and ClickHouse-server capture tests share.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';
import { recordSessions } from './record-sessions.js';

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

export async function cli(args: string[]): Promise<CliResult> {
  const run = runCli(args);
  const { code } = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

/** Run a command that must succeed; its standard output. */
export async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  assert.equal(r.code, 0, `ocpp-mitm ${args.join(' ')} failed:\n${r.err}`);
  return r.out;
}

/** `report` of a chDB store, as JSON rows. */
export const reportOf = async (dataDir: string): Promise<unknown[]> => JSON.parse(await ok(['report', '--data', dataDir, '--format', 'json'])) as unknown[];

/** What a round trip must keep of a frame. */
export interface FrameFields {
  identity: string;
  direction: string;
  kind: string;
  action: string;
  messageId: string;
  text: string;
  valid: boolean;
}

/** A chDB store's frames (up to 1000), each cut to the fields a round trip keeps. */
export const framesOf = async (dataDir: string): Promise<FrameFields[]> =>
  (JSON.parse(await ok(['frames', '--data', dataDir, '--format', 'json', '--limit', '1000'])) as FrameFields[]).map((f) => ({
    identity: f.identity,
    direction: f.direction,
    kind: f.kind,
    action: f.action,
    messageId: f.messageId,
    text: f.text,
    valid: f.valid,
  }));

/** A temporary folder whose `recorded` is a chDB store of record-sessions.ts' two sessions; `remove` deletes it all. */
export async function recordedFolder(prefix: string): Promise<{ root: string; recorded: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const recorded = join(root, 'recorded');
  await recordSessions(recorded);
  return { root, recorded, remove: () => rm(root, { recursive: true, force: true }) };
}
