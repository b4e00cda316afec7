import type { BundleMessage } from '../../common/diagnostics/bundle.js';
import type { Clock } from '../../common/lifecycle.js';
import type { CaptureSources } from './capture.js';
import type { ReproMode } from './repro-mode.js';
import type { Timeline } from './timeline.js';

/** What the host hands the diagnostics service; the rest of a capture comes from its own timeline and repro mode. */
export type HostCaptureSources = Omit<CaptureSources, 'repro' | 'events' | 'statusChanges' | 'errors' | 'messages'> & {
  inbox: () => ReadonlyArray<{ id: string; title: string; deliveredAt: number }>;
};

/** How far back the inbox's messages and what the owner did with them go into a bundle (as the timeline keeps). */
const MESSAGE_HISTORY_MS = 30 * 86_400_000;

/** Completes the host's sources with the timeline's history and the repro window for one capture. */
export function captureSources(
  host: HostCaptureSources,
  timeline: Timeline,
  clock: Clock,
  repro: Pick<ReproMode, 'window'>,
): CaptureSources {
  return {
    ...host,
    statusChanges: (from) => timeline.statusChanges(from),
    errors: (from) => timeline.errors(from),
    events: (from) => timeline.activity(from),
    messages: () => messagesShown(host, timeline, clock.now() - MESSAGE_HISTORY_MS),
    repro: () => repro.window(),
  };
}

/** The inbox's messages, each with the owner's actions on it since `from` (the timeline notes name the message id). */
function messagesShown(host: HostCaptureSources, timeline: Timeline, from: number): BundleMessage[] {
  const activity = timeline.activity(from);
  return host.inbox().map((item) => ({
    messageId: item.id,
    title: item.title,
    shownAt: Math.max(0, Math.round(item.deliveredAt)),
    actions: activity
      .filter((entry) => entry.detail?.includes(JSON.stringify(item.id)) ?? false)
      .map((entry) => ({ at: entry.at, action: entry.type, ...(entry.detail ? { detail: entry.detail } : {}) })),
  }));
}
