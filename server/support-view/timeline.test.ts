import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type DiagnosticsBundle } from '../../common/diagnostics/bundle.js';
import { filterLogs } from './log-filter.js';
import { buildTimeline } from './timeline.js';

const T = 1_763_630_000_000;

function bundle(overrides: Partial<DiagnosticsBundle> = {}): DiagnosticsBundle {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    capturedAt: T,
    app: { name: 'Trayside', version: '0.1.0', host: 'node' },
    os: { platform: 'linux', release: '6.1', arch: 'x64' },
    devices: [],
    history: { from: T - 86_400_000, to: T, statusChanges: [], supplies: [] },
    errors: [],
    messages: [],
    events: [],
    settings: {},
    logs: [],
    repro: null,
    redaction: [],
    leftOut: [],
    ...overrides,
  };
}

describe('support view timeline', () => {
  it('puts state changes, errors and their clearing, messages, owner actions and the repro window in time order', () => {
    const timeline = buildTimeline(
      bundle({
        history: {
          from: 0,
          to: T,
          statusChanges: [{ at: T - 600_000, deviceId: 'p1', state: 'error', statusLine: 'Paper jam' }],
          supplies: [],
        },
        errors: [{ deviceId: 'p1', code: 'jam', severity: 'error', message: 'Paper jam', since: T - 600_000, until: T - 120_000 }],
        messages: [{ messageId: 'm1', title: 'Cyan low', shownAt: T - 900_000, actions: [{ at: T - 890_000, action: 'dismissed' }] }],
        events: [
          { at: T - 700_000, type: 'repro-started' },
          { at: T - 500_000, type: 'owner-action', detail: 'Opened the jam guide' },
        ],
        repro: { start: T - 700_000, end: T - 300_000 },
      }),
    );
    expect(timeline.map((entry) => [entry.kind, entry.inRepro])).toEqual([
      ['message', false],
      ['owner-action', false],
      ['repro-start', true],
      ['status', true],
      ['error', true],
      ['owner-action', true],
      ['repro-end', true],
      ['cleared', false],
    ]);
    expect(timeline.find((entry) => entry.kind === 'error')).toMatchObject({
      title: 'Paper jam',
      detail: 'code jam',
      severity: 'error',
      device: 'p1',
    });
    expect(timeline.find((entry) => entry.kind === 'owner-action' && entry.inRepro)?.title).toBe('Opened the jam guide');
  });

  it('says nothing about a repro window the owner did not record', () => {
    expect(buildTimeline(bundle()).length).toBe(0);
  });
});

describe('support view log filter', () => {
  const logs = [
    { time: T, level: 'debug' as const, source: 'devices', message: 'PJL INFO STATUS' },
    { time: T, level: 'warn' as const, source: 'messages', message: 'quiet hours' },
    { time: T, level: 'error' as const, source: 'devices', message: 'Paper JAM in rear unit' },
  ];

  it('keeps lines at or above the level whose message or source has the search text, in any case', () => {
    expect(filterLogs(logs, '', 'trace')).toHaveLength(3);
    expect(filterLogs(logs, '', 'warn').map((line) => line.level)).toEqual(['warn', 'error']);
    expect(filterLogs(logs, 'jam', 'trace').map((line) => line.level)).toEqual(['error']);
    expect(filterLogs(logs, 'DEVICES', 'info').map((line) => line.level)).toEqual(['error']);
    expect(filterLogs(logs, 'nothing like this', 'trace')).toEqual([]);
  });
});
