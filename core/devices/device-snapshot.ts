import type { DeviceReading, DeviceSnapshot } from '../../common/device.js';
import { summarizeReading } from '../../common/device-summary.js';
import type { DeviceSession } from '../../native/transport.js';

/**
 * What the monitor publishes after a good read: the reading with its summary, fresh. A pure
 * function of the reading so the monitor's loop only decides when to read and when to publish.
 */
export function snapshotFromReading(session: DeviceSession, reading: DeviceReading, now: number): DeviceSnapshot {
  const summary = summarizeReading(reading);
  return {
    id: session.id,
    transport: session.transport,
    identity: reading.identity,
    state: summary.state,
    statusLine: summary.statusLine,
    conditions: reading.conditions,
    supplies: reading.supplies,
    facts: reading.facts ?? {},
    stale: false,
    updatedAt: now,
  };
}

/**
 * What the monitor publishes after a failed read: the last good snapshot kept but marked stale and
 * unreachable, so the panel still shows the last known supplies; a device never read shows as unknown.
 */
export function unreachableSnapshot(session: DeviceSession, before: DeviceSnapshot | undefined): DeviceSnapshot {
  return { ...(before ?? emptySnapshot(session)), state: 'unreachable', statusLine: 'Not responding', stale: true };
}

function emptySnapshot(session: DeviceSession): DeviceSnapshot {
  return {
    id: session.id,
    transport: session.transport,
    identity: { manufacturer: '', model: 'Unknown device', commandSet: [] },
    state: 'unreachable',
    statusLine: 'Not responding',
    conditions: [],
    supplies: [],
    facts: {},
    stale: true,
    updatedAt: null,
  };
}

/** Same state apart from the time stamp: no event for a poll that changed nothing. */
export function sameContent(a: DeviceSnapshot, b: DeviceSnapshot): boolean {
  return JSON.stringify({ ...a, updatedAt: 0 }) === JSON.stringify({ ...b, updatedAt: 0 });
}
