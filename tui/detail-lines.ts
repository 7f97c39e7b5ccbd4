/**
 * The detail of one frame as lines: what it is, what is wrong with it in words, what changed it, its
 * CALL↔answer partner, and the payload pretty-printed (original beside modified). Pure: tested directly.
 */
import type { MessageRecord } from '../src/core/relay-message.js';
import { arrow, cell, clock, ms, prettyLines } from './format.js';

export interface DetailLine {
  text: string;
  color?: 'red' | 'yellow' | 'green' | 'cyan' | 'magenta' | 'gray' | 'blue';
  bold?: boolean;
}

const KIND_WORDS: Record<MessageRecord['kind'], string> = {
  CALL: 'CALL',
  CALLRESULT: 'CALLRESULT',
  CALLERROR: 'CALLERROR',
  CALLRESULTERROR: 'CALLRESULTERROR (2.1: the CALLRESULT was refused)',
  SEND: 'SEND (2.1: one-way, never answered)',
  MALFORMED: 'not OCPP-J',
};

/** Split `text` into lines of at most `width` columns at spaces; continuation lines get `indent`. */
export function wrap(text: string, width: number, indent = '    '): string[] {
  if (text.length <= width || width < 20) return [text];
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > width / 3 ? cut : width;
    lines.push(rest.slice(0, at));
    rest = indent + rest.slice(at).trimStart();
  }
  lines.push(rest);
  return lines;
}

export function detailLines(r: MessageRecord, partner: MessageRecord | undefined, width: number): DetailLine[] {
  const out: DetailLine[] = [];
  /** Words are wrapped, never cut: a validation message matters to its last word. */
  const say = (line: DetailLine): void => {
    for (const text of wrap(line.text, width)) out.push({ ...line, text });
  };
  const where = r.direction === 'to-csms' ? `${r.identity} → CSMS` : `CSMS → ${r.identity}`;
  say({
    // A translated frame: the version (and action) it came with, then the one it went on with.
    text: `${KIND_WORDS[r.kind]} ${r.originalAction ? `${r.originalAction} → ` : ''}${r.action ?? r.callAction ?? ''}  id ${r.messageId}  ${arrow(r)} ${where}  OCPP ${r.originalVersion ? `${r.originalVersion} → ` : ''}${r.version ?? '?'}  ${clock(r.receivedAt)}  ${r.size} B`,
    bold: true,
  });
  if (r.origin !== 'wire') say({ text: `made by the proxy: ${r.origin}${r.madeBy ? ` (${r.madeBy})` : ''}`, color: 'magenta' });

  if (r.malformed) say({ text: `✗ not OCPP-J (${r.malformed.reason}): ${r.malformed.detail}`, color: 'red' });
  if (!r.valid && !r.malformed) say({ text: `✗ invalid${r.errorCode ? ` — a receiver answers ${r.errorCode}` : ''}`, color: 'red', bold: true });
  for (const issue of r.issues) {
    const at = issue.path === '' ? 'payload' : issue.path;
    // Some validators already start the message with the path: say it once.
    const message = issue.path && issue.message.startsWith(issue.path) ? issue.message.slice(issue.path.length).replace(/^:\s*/, '') : issue.message;
    say({ text: `  ✗ ${at}: ${message} [${issue.rule}]`, color: 'red' });
  }
  if (r.dropped) say({ text: `dropped by ${r.dropped.by}: ${r.dropped.reason}`, color: 'yellow' });
  if (r.ruleDelayMs > 0) say({ text: `delayed ${ms(r.ruleDelayMs)} on purpose`, color: 'yellow' });
  if (r.ruleIds.length > 0) say({ text: `rules hit: ${r.ruleIds.join(', ')}`, color: 'magenta' });
  if (r.changedBy.length > 0) say({ text: `changed by: ${r.changedBy.join(' → ')}`, color: 'blue' });

  if (r.kind === 'CALL') {
    out.push(
      partner
        ? { text: `↳ answered by ${partner.kind}${partner.latencyMs !== undefined ? ` after ${ms(partner.latencyMs)}` : ''} (press o)`, color: 'cyan' }
        : { text: '↳ no answer yet (or it left the buffer)', color: 'gray' },
    );
  } else if (r.kind === 'CALLRESULTERROR') {
    out.push(
      r.callAction
        ? { text: `↳ refuses the CALLRESULT to ${r.callAction}${partner ? ` (CALL of ${clock(partner.receivedAt)}, press o)` : ''}`, color: 'yellow' }
        : { text: '↳ refuses a CALLRESULT no CALL of which is known', color: 'gray' },
    );
  } else if (r.kind === 'SEND') {
    out.push({ text: '↳ a SEND: never answered, never timed', color: 'gray' });
  } else if (r.kind !== 'MALFORMED') {
    out.push(
      partner
        ? { text: `↳ answers CALL ${partner.action ?? ''} of ${clock(partner.receivedAt)}${r.latencyMs !== undefined ? `, after ${ms(r.latencyMs)}` : ''} (press o)`, color: 'cyan' }
        : { text: `↳ answers ${r.callAction ?? 'a CALL'} no longer in the buffer`, color: 'gray' },
    );
  }

  out.push({ text: '' });
  if (r.original !== undefined) {
    // Original beside modified, so the change is seen at a glance.
    const half = Math.max(10, Math.floor((width - 3) / 2));
    const left = prettyLines(r.original);
    const right = prettyLines(r.text);
    out.push({ text: `${cell('original (as received)', half)} │ ${cell('modified (as sent)', half)}`, bold: true });
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const l = left[i] ?? '';
      const rt = right[i] ?? '';
      out.push({ text: `${cell(l, half)} │ ${cell(rt, half)}`, color: l !== rt ? 'yellow' : undefined });
    }
  } else {
    out.push({ text: 'payload', bold: true });
    for (const line of prettyLines(r.text)) out.push({ text: line });
  }

  if (partner) {
    out.push({ text: '' });
    out.push({ text: `${partner.kind === 'CALL' ? 'its CALL' : `its answer (${partner.kind})`} ${partner.action ?? partner.callAction ?? ''}`, bold: true, color: 'cyan' });
    for (const line of prettyLines(partner.text)) out.push({ text: line, color: 'gray' });
  }
  return out;
}
