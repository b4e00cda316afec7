import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { armFor, inGlobalHoldout } from './holdout.js';

const installs = Array.from({ length: 20_000 }, () => randomUUID());

describe('holdout and control assignment', () => {
  it('holds out about the configured share, the same installs every time', () => {
    const holdout = { salt: 'period-2026-q4', share: 0.05 };
    const held = installs.filter((id) => inGlobalHoldout(id, holdout));
    // 20,000 installs at 5 %: 1,000 expected, sd ≈ 31; ±5 sd.
    expect(held.length).toBeGreaterThan(845);
    expect(held.length).toBeLessThan(1155);
    expect(installs.filter((id) => inGlobalHoldout(id, { ...holdout }))).toEqual(held);
  });

  it('reshuffles with a new salt and holds no one out without a holdout', () => {
    const first = new Set(installs.filter((id) => inGlobalHoldout(id, { salt: 'salt-one-xx', share: 0.1 })));
    const second = installs.filter((id) => inGlobalHoldout(id, { salt: 'salt-two-xx', share: 0.1 }));
    const overlap = second.filter((id) => first.has(id)).length;
    // Independent 10 % draws overlap on about 1 % of installs, not 10 %.
    expect(overlap / installs.length).toBeLessThan(0.02);
    expect(installs.some((id) => inGlobalHoldout(id, undefined))).toBe(false);
  });

  it('puts the holdout first, then a control group of the campaign’s share', () => {
    const holdout = { salt: 'period-2026-q4', share: 0.05 };
    const arms = installs.map((id) => armFor(id, 'cyan-low', holdout, 0.2));
    const share = (arm: string): number => arms.filter((candidate) => candidate === arm).length / installs.length;
    expect(share('holdout')).toBeCloseTo(0.05, 1);
    expect(share('control')).toBeGreaterThan(0.17);
    expect(share('control')).toBeLessThan(0.21);
    installs.forEach((id, index) => {
      if (inGlobalHoldout(id, holdout)) expect(arms[index]).toBe('holdout');
    });
    expect(installs.every((id) => armFor(id, 'cyan-low', undefined, undefined) === 'treated')).toBe(true);
  });
});
