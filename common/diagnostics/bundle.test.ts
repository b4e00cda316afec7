import { describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, BUNDLE_VERSION, parseBundle, type DiagnosticsBundle } from './bundle.js';

export function minimalBundle(): DiagnosticsBundle {
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    capturedAt: 1_700_000_000_000,
    app: { name: 'Trayside', version: '1.0.0', host: 'node' },
    os: { platform: 'linux', release: '6.1', arch: 'x64' },
    devices: [],
    history: { from: 0, to: 1_700_000_000_000, statusChanges: [], supplies: [] },
    errors: [],
    messages: [],
    events: [],
    settings: {},
    logs: [],
    repro: null,
    redaction: [{ kind: 'serial', count: 1, action: 'removed' }],
    leftOut: [],
  };
}

describe('bundle schema', () => {
  it('accepts a minimal bundle and round-trips it through JSON', () => {
    const result = parseBundle(JSON.stringify(minimalBundle()));
    expect(result).toEqual({ ok: true, bundle: minimalBundle() });
  });

  it('says which field is wrong, and names an unsupported version', () => {
    expect(parseBundle('{')).toEqual({ ok: false, problem: 'not JSON' });
    expect(parseBundle(JSON.stringify({ ...minimalBundle(), version: 2 }))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('version 2'),
    });
    const bad = parseBundle(JSON.stringify({ ...minimalBundle(), logs: [{ time: 1, level: 'loud', source: 'x', message: 'y' }] }));
    expect(bad).toMatchObject({ ok: false, problem: expect.stringContaining('logs.0.level') });
  });
});
