import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LevelSample } from '../devices/run-out.js';
import { DEFAULT_MIN_RISE, detectReplacements } from './replacement.js';

const HOUR = 3_600_000;
const clamp = (value: number): number => Math.min(100, Math.max(0, value));

/** A level wandering by less than the replacement rise per reading, as sensor noise and revised estimates do. */
const noisySeries = fc
  .record({
    start: fc.double({ min: 0, max: 100, noNaN: true }),
    steps: fc.array(fc.double({ min: -(DEFAULT_MIN_RISE - 0.01), max: DEFAULT_MIN_RISE - 0.01, noNaN: true }), { maxLength: 200 }),
  })
  .map(({ start, steps }) => {
    const samples: LevelSample[] = [{ at: 0, remaining: start }];
    for (const step of steps) samples.push({ at: samples.length * HOUR, remaining: clamp(samples.at(-1)!.remaining + step) });
    return samples;
  });

describe('supply replacement from level history', () => {
  it('never counts noise as a replacement', () => {
    fc.assert(
      fc.property(noisySeries, (samples) => {
        expect(detectReplacements(samples)).toEqual([]);
      }),
    );
  });

  it('always counts a refill: a run-down supply read nearly full again', () => {
    fc.assert(
      fc.property(
        noisySeries,
        fc.double({ min: 0, max: 70, noNaN: true }),
        fc.double({ min: 90, max: 100, noNaN: true }),
        (before, emptyLevel, newLevel) => {
          const at = before.length * HOUR;
          const samples = [...before, { at, remaining: emptyLevel }, { at: at + HOUR, remaining: newLevel }];
          const found = detectReplacements(samples);
          expect(found.at(-1)).toMatchObject({ at: at + HOUR, fromPercent: emptyLevel, toPercent: newLevel });
        },
      ),
    );
  });

  it('gives the time from first reading low to the replacement', () => {
    const samples = [40, 20, 9, 7, 5, 98].map((remaining, index) => ({ at: index * HOUR, remaining }));
    expect(detectReplacements(samples)).toEqual([{ at: 5 * HOUR, fromPercent: 5, toPercent: 98, lowSince: 2 * HOUR }]);
  });
});
