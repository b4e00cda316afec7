import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { predictDaysLeft, type LevelSample } from './run-out.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

/** A supply draining `perDay` points a day from `start`, read every 6 hours, with optional noise. */
function drain(start: number, perDay: number, days: number, noise: (index: number) => number = () => 0, from = T0): LevelSample[] {
  const samples: LevelSample[] = [];
  for (let index = 0; index <= days * 4; index += 1) {
    samples.push({ at: from + index * (DAY / 4), remaining: Math.max(0, Math.min(100, start - perDay * (index / 4) + noise(index))) });
  }
  return samples;
}

describe('predictDaysLeft', () => {
  it.each([
    ['a steady drain of 2 %/day from 80 % over 10 days', drain(80, 2, 10), 30],
    ['the same with ±3 point gauge noise', drain(80, 2, 10, (i) => [3, -3, 1, -2, 0, 2][i % 6]!), 30],
    [
      'the same with two wild readings (0 % and 100 %)',
      drain(80, 2, 10).map((s, i) => (i === 7 ? { ...s, remaining: 0 } : i === 20 ? { ...s, remaining: 100 } : s)),
      30,
    ],
  ])('%s', (_name, samples, expected) => {
    const days = predictDaysLeft(samples, samples.at(-1)!.at)!;
    expect(days).toBeGreaterThan(expected - 2);
    expect(days).toBeLessThan(expected + 2);
  });

  it('starts over after a refill: only the segment since the new cartridge counts', () => {
    const old = drain(40, 8, 4); // fast drain down to 8 %
    const refill = drain(100, 1, 10, () => 0, old.at(-1)!.at + DAY / 4); // new cartridge, slow drain
    const days = predictDaysLeft([...old, ...refill], refill.at(-1)!.at)!;
    expect(days).toBeGreaterThan(88);
    expect(days).toBeLessThan(92);
  });

  it.each([
    ['too few samples', drain(80, 2, 0.5)],
    ['a flat level', drain(50, 0, 5)],
    ['a rising level (charging battery)', drain(20, -3, 5)],
    ['no samples', []],
  ])('gives no forecast for %s', (_name, samples) => {
    expect(predictDaysLeft(samples, T0 + 10 * DAY)).toBeNull();
  });

  it('is never negative, never NaN, never above ten years, whatever the readings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 1e12 }), remaining: fc.double({ min: 0, max: 100, noNaN: true }) }), {
          maxLength: 60,
        }),
        (raw) => {
          const samples = [...raw].sort((a, b) => a.at - b.at);
          const days = predictDaysLeft(samples, (samples.at(-1)?.at ?? 0) + 1);
          expect(days === null || (Number.isFinite(days) && days >= 0 && days <= 3650)).toBe(true);
        },
      ),
    );
  });
});
