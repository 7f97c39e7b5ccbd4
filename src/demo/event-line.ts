/** One line of text per stream event: what `demo --no-tui` prints (and any script can grep). */
import type { StreamEvent } from '../control/wire-format.js';
import { arrow, clock, flags, KIND_SHORT, ms } from '../../tui/format.js';

export function eventLine(e: StreamEvent): string | undefined {
  switch (e.type) {
    case 'message': {
      const r = e.message;
      const extra = [
        !r.valid ? `INVALID${r.errorCode ? ` ${r.errorCode}` : ''}: ${r.malformed?.detail ?? r.issues.map((i) => `${i.path || 'payload'} ${i.message}`).join('; ')}` : '',
        r.ruleIds.length ? `rule ${r.ruleIds.join(',')}` : '',
        r.latencyMs !== undefined ? ms(r.latencyMs) : '',
      ].filter(Boolean);
      return `${clock(r.receivedAt)} ${arrow(r)} ${r.identity} ${KIND_SHORT[r.kind]} ${r.action ?? r.callAction ?? '?'} ${r.messageId} [${flags(r).replace(/ /g, '.')}]${extra.length ? ' ' + extra.join(' | ') : ''}`;
    }
    case 'session-open':
      return `${clock(e.session.openedAt)} + ${e.session.identity} connected (OCPP ${e.session.stationVersion ?? '?'})`;
    case 'session-close':
      return `${clock(e.close.closedAt)} - ${e.session.identity} closed by ${e.close.initiator} ${e.close.code}${e.close.reason ? ` ${e.close.reason}` : ''}`;
    case 'kpi':
      return `${clock(e.sample.at)} kpi ${e.sample.identity} ${e.sample.kpi} ${e.sample.action}→${e.sample.endAction || '-'} ${e.sample.timedOut ? 'timed out' : ms(e.sample.valueMs)}`;
    case 'notice':
      return `notice ${e.level} ${e.source}: ${e.text}`;
    case 'missed':
      return `(missed ${e.count} events: this reader was too slow)`;
    case 'hello':
      return undefined;
  }
}
