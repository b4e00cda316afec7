// The device card's gauges with the run-out forecast the core puts on each supply: days left in
// words under the bar, and never a forecast that contradicts the level.
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceSnapshot } from '../../../common/device.js';
import { classifySupply, type Supply, type SupplyLevel } from '../../../common/supply.js';
import { resetStore, store } from '../store/store.js';
import { demoPrinter } from '../testing/fixtures.js';
import { describeDaysLeft } from '../view/supply-forecast.js';
import { DeviceCard } from './device-card.js';

const hhmm = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 16);

function cardText(device: DeviceSnapshot): string {
  const spy = vi.spyOn(store, 'getInitialState').mockImplementation(store.getState);
  try {
    return renderToStaticMarkup(<DeviceCard device={device} formatTime={hhmm} />)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
  } finally {
    spy.mockRestore();
  }
}

/** The demo printer with these days left (and levels) on its supplies. */
function printerWith(patches: Record<string, { daysLeft?: number; level?: SupplyLevel }>): DeviceSnapshot {
  const printer = demoPrinter();
  return {
    ...printer,
    supplies: printer.supplies.map((supply) => {
      const patch = patches[supply.id];
      if (!patch) return supply;
      const reclassified = patch.level ? classifySupply({ ...supply, level: patch.level }) : supply;
      return patch.daysLeft === undefined ? reclassified : { ...reclassified, daysLeft: patch.daysLeft };
    }),
  };
}

beforeEach(() => resetStore());

describe('days left on the device card', () => {
  it('shows each forecast on its own gauge, in words', () => {
    const text = cardText(printerWith({ cyan: { daysLeft: 4.2 }, black: { daysLeft: 0.4 }, waste: { daysLeft: 30 } }));
    expect(text).toMatch(/Cyan ink .*about 4 days left .*Part TS-805XL-C/);
    expect(text).toMatch(/Black ink .*less than a day left/);
    expect(text).toMatch(/Waste ink box .*full in about 30 days/);
    // Supplies without a forecast say nothing about run-out.
    expect(text.match(/left|full in/g)).toHaveLength(3);
  });

  it('an empty supply says "Empty", never "less than a day left"', () => {
    const text = cardText(printerWith({ cyan: { level: { kind: 'percent', percent: 0 }, daysLeft: 0 } }));
    expect(text).toMatch(/Cyan ink ! Empty 0 %/);
    expect(text).not.toMatch(/less than a day|days? left/);
  });

  it('shows no forecast while the level is unknown', () => {
    const text = cardText(printerWith({ cyan: { level: { kind: 'unknown' }, daysLeft: 3 } }));
    expect(text).toMatch(/Cyan ink Unknown/);
    expect(text).not.toMatch(/days? left/);
  });
});

describe('describeDaysLeft', () => {
  const supply = (patch: Partial<Supply>): Supply => ({ ...demoPrinter().supplies[1]!, ...patch });
  it.each([
    [supply({ daysLeft: 11.6 }), 'about 12 days left'],
    [supply({ daysLeft: 1.2 }), 'about 1 day left'],
    [supply({ daysLeft: 0.3 }), 'less than a day left'],
    [supply({ daysLeft: 900 }), 'more than a year left'],
    [supply({ role: 'receptacle', daysLeft: 6 }), 'full in about 6 days'],
    [supply({ daysLeft: 0, empty: true, low: true, level: { kind: 'percent', percent: 0 } }), null],
    [supply({ daysLeft: 2, level: { kind: 'some-left' } }), null],
    [supply({}), null],
  ])('%#: %s', (value, expected) => {
    expect(describeDaysLeft(value)).toBe(expected);
  });
});
