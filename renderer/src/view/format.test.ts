import { describe, expect, it } from 'vitest';
import { classifySupply, type Supply, type SupplyLevel, type SupplyReading } from '../../../common/supply.js';
import { describeGauge, deviceName, pauseSummary, staleHint } from './format.js';

const supply = (level: SupplyLevel, role: 'consumable' | 'receptacle' = 'consumable') =>
  classifySupply({
    id: 'cyan',
    name: role === 'consumable' ? 'Cyan ink' : 'Waste ink box',
    kind: role === 'consumable' ? 'ink' : 'waste',
    role,
    level,
    lowThreshold: role === 'consumable' ? 10 : 90,
  } satisfies SupplyReading);

const hhmm = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 16);

describe('device name', () => {
  it('prefixes the maker unless the model already names it', () => {
    expect(deviceName({ manufacturer: 'Epson', model: 'ET-2850', commandSet: [] })).toBe('Epson ET-2850');
    expect(deviceName({ manufacturer: 'Trayside', model: 'Trayside Demo Printer', commandSet: [] })).toBe('Trayside Demo Printer');
    expect(deviceName({ manufacturer: 'HP', model: 'hp LaserJet', commandSet: [] })).toBe('hp LaserJet');
    expect(deviceName({ manufacturer: '', model: '  ', commandSet: [] })).toBe('Unknown device');
  });
});

describe('supply gauge words', () => {
  it('shows a percentage with a bar, and marks low and empty in words', () => {
    expect(describeGauge(supply({ kind: 'percent', percent: 64 }))).toMatchObject({
      valueText: '64 %',
      fillPercent: 64,
      emphasis: null,
      spokenValue: '64 %',
    });
    expect(describeGauge(supply({ kind: 'percent', percent: 5 }))).toMatchObject({ emphasis: 'Low', spokenValue: '5 %, low' });
    expect(describeGauge(supply({ kind: 'percent', percent: 0 }))).toMatchObject({ emphasis: 'Empty', spokenValue: '0 %, empty' });
  });

  it('never shows a level that is not a number as 0 %', () => {
    for (const [kind, word] of [
      ['unknown', 'Unknown'],
      ['unavailable', 'Not reported'],
      ['some-left', 'Some left'],
    ] as const) {
      const gauge = describeGauge(supply({ kind }));
      expect(gauge.valueText).toBe(word);
      expect(gauge.fillPercent).toBeUndefined();
      expect(gauge.emphasis).toBeNull();
    }
  });

  it('shows a waste box as filling up', () => {
    expect(describeGauge(supply({ kind: 'percent', percent: 35 }, 'receptacle'))).toMatchObject({
      valueText: '35 % full',
      fillPercent: 35,
      emphasis: null,
    });
    expect(describeGauge(supply({ kind: 'percent', percent: 93 }, 'receptacle'))).toMatchObject({
      emphasis: 'Nearly full',
      spokenValue: '93 % full, nearly full',
    });
    expect(describeGauge(supply({ kind: 'percent', percent: 100 }, 'receptacle'))).toMatchObject({ emphasis: 'Full' });
  });
});

describe('supply gauge meaning', () => {
  it('takes its urgency from the supply state, for consumables and receptacles alike', () => {
    expect(describeGauge(supply({ kind: 'percent', percent: 64 })).urgency).toBe('ok');
    expect(describeGauge(supply({ kind: 'percent', percent: 5 })).urgency).toBe('low');
    expect(describeGauge(supply({ kind: 'percent', percent: 0 })).urgency).toBe('empty');
    expect(describeGauge(supply({ kind: 'percent', percent: 93 }, 'receptacle')).urgency).toBe('low');
    expect(describeGauge(supply({ kind: 'percent', percent: 100 }, 'receptacle')).urgency).toBe('empty');
    // A device that reports a supply empty without a number still reads as empty.
    expect(describeGauge(classifySupply({ ...supply({ kind: 'unknown' }), emptyReported: true })).urgency).toBe('empty');
  });

  it('colours the swatch from the device value, else the panel palette, else neutral', () => {
    const coloured = (color: Supply['color']) =>
      describeGauge({ ...supply({ kind: 'percent', percent: 50 }), ...(color ? { color } : {}) }).swatch;
    expect(coloured({ name: 'cyan', hex: '#00ffff' })).toBe('#00ffff');
    expect(coloured({ name: 'cyan' })).toBe('#00a0d8');
    expect(coloured({ name: 'Light-Cyan' })).toBe('#7fd3f0');
    expect(coloured({ name: 'spot orange' })).toBeUndefined();
    expect(coloured(undefined)).toBeUndefined();
  });
});

describe('time hints', () => {
  it('says which reading a stale device shows', () => {
    expect(staleHint({ stale: false, updatedAt: Date.UTC(2025, 0, 15, 10, 42) }, hhmm)).toBeNull();
    expect(staleHint({ stale: true, updatedAt: Date.UTC(2025, 0, 15, 10, 42) }, hhmm)).toBe('Showing the last reading from 10:42');
    expect(staleHint({ stale: true, updatedAt: null }, hhmm)).toBe('No reading yet');
  });

  it('says until when notifications are paused, and nothing once the pause is over', () => {
    const now = new Date(2025, 0, 15, 13, 5).getTime();
    const local = (epochMs: number) => `${new Date(epochMs).getHours()}:${String(new Date(epochMs).getMinutes()).padStart(2, '0')}`;
    expect(pauseSummary({ notificationsPausedUntil: null }, now, local)).toBeNull();
    expect(pauseSummary({ notificationsPausedUntil: now + 3_600_000 }, now, local)).toBe('Notifications paused until 14:05');
    expect(pauseSummary({ notificationsPausedUntil: new Date(2025, 0, 16, 8).getTime() }, now, local)).toBe(
      'Notifications paused until tomorrow 8:00',
    );
    expect(pauseSummary({ notificationsPausedUntil: now - 1 }, now, local)).toBeNull();
  });
});
