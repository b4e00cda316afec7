import type { DiagnosticsBundle } from '../../common/diagnostics/bundle.js';

/** What a line of the timeline is about; the view gives each kind its own label and colour. */
export type TimelineKind = 'status' | 'error' | 'cleared' | 'message' | 'owner-action' | 'event' | 'repro-start' | 'repro-end';

export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  /** The headline, as text. */
  title: string;
  detail?: string;
  /** For status and error lines: how bad. */
  severity?: 'ok' | 'info' | 'warning' | 'error';
  device?: string;
  /** Inside the window the owner recorded while reproducing the problem. */
  inRepro: boolean;
}

const STATE_SEVERITY = { ok: 'ok', attention: 'warning', error: 'error', unreachable: 'warning' } as const;

/**
 * One time-ordered list of what happened on the owner's side: state changes, device errors (and
 * when they cleared), messages shown and what the owner did with them, the app's events, and the
 * start and end of the repro window. Entries at the same moment keep a stable, readable order.
 */
export function buildTimeline(bundle: DiagnosticsBundle): TimelineEntry[] {
  const repro = bundle.repro;
  const inRepro = (at: number): boolean => repro !== null && at >= repro.start && at <= repro.end;
  const entries: Omit<TimelineEntry, 'inRepro'>[] = [];
  for (const change of bundle.history.statusChanges) {
    entries.push({
      at: change.at,
      kind: 'status',
      title: `${change.state}: ${change.statusLine}`,
      severity: STATE_SEVERITY[change.state],
      device: change.deviceId,
    });
  }
  for (const error of bundle.errors) {
    entries.push({
      at: error.since,
      kind: 'error',
      title: error.message,
      detail: `code ${error.code}`,
      severity: error.severity,
      device: error.deviceId,
    });
    if (error.until !== undefined)
      entries.push({
        at: error.until,
        kind: 'cleared',
        title: `Cleared: ${error.message}`,
        detail: `code ${error.code}`,
        severity: 'ok',
        device: error.deviceId,
      });
  }
  for (const message of bundle.messages) {
    if (message.shownAt !== undefined)
      entries.push({ at: message.shownAt, kind: 'message', title: `Shown: ${message.title}`, detail: message.messageId });
    for (const action of message.actions) {
      entries.push({
        at: action.at,
        kind: 'owner-action',
        title: `${action.action}: ${message.title}`,
        ...(action.detail === undefined ? {} : { detail: action.detail }),
      });
    }
  }
  for (const event of bundle.events) {
    if (event.type === 'repro-started' || event.type === 'repro-ended') continue;
    entries.push({
      at: event.at,
      kind: event.type === 'owner-action' ? 'owner-action' : 'event',
      title: event.detail ?? event.type,
      ...(event.detail === undefined ? {} : { detail: event.type }),
    });
  }
  if (repro !== null) {
    entries.push({
      at: repro.start,
      kind: 'repro-start',
      title: 'Owner started recording while reproducing the problem (more detailed logs from here)',
    });
    entries.push({ at: repro.end, kind: 'repro-end', title: 'Recording ended (log detail back to normal)' });
  }
  const order: Record<TimelineKind, number> = {
    'repro-start': 0,
    status: 1,
    error: 2,
    cleared: 3,
    message: 4,
    'owner-action': 5,
    event: 6,
    'repro-end': 7,
  };
  return entries.map((entry) => ({ ...entry, inRepro: inRepro(entry.at) })).sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind]);
}
