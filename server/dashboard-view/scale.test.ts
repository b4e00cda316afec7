import { describe, expect, it } from 'vitest';
import { barPercent, domainPercent, intervalDomain, niceMax } from './scale.js';

describe('niceMax', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 24, 50, 51, 999, 1001].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 50, 50, 100, 1000, 2000]);
  });
  it('gives 1 for nothing to draw, so a chart of zeros still has a scale', () => {
    expect(niceMax(Number.NaN)).toBe(1);
    expect(niceMax(-4)).toBe(1);
  });
});

describe('barPercent', () => {
  it('is the share of the scale, clamped to the chart', () => {
    expect(barPercent(5, 20)).toBe(25);
    expect(barPercent(30, 20)).toBe(100);
    expect(barPercent(-1, 20)).toBe(0);
    expect(barPercent(3, 0)).toBe(0);
  });
});

describe('intervalDomain', () => {
  it('is symmetric around zero, in steps of 5 points, at least ±5', () => {
    expect(intervalDomain([])).toEqual({ min: -0.05, max: 0.05 });
    expect(intervalDomain([{ low: -0.003, high: 0.656 }])).toEqual({ min: -0.7, max: 0.7 });
    const wide = intervalDomain([
      { low: -0.193, high: 0.509 },
      { low: -0.26, high: 0.1 },
    ]);
    expect(wide.min).toBeCloseTo(-0.55);
    expect(wide.max).toBeCloseTo(0.55);
  });
  it('does not widen a bound that is already a step (floating point)', () => {
    expect(intervalDomain([{ low: 0, high: 0.15 }]).max).toBeCloseTo(0.15);
  });
});

describe('domainPercent', () => {
  it('puts zero in the middle and the bounds at the edges', () => {
    const domain = { min: -0.2, max: 0.2 };
    expect(domainPercent(0, domain)).toBe(50);
    expect(domainPercent(-0.2, domain)).toBe(0);
    expect(domainPercent(0.1, domain)).toBeCloseTo(75);
    expect(domainPercent(0.5, domain)).toBe(100);
  });
});
