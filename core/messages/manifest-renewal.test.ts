import { describe, expect, it } from 'vitest';
import { renewalDue, renewalFraction } from './manifest-renewal.js';

const DAY = 86_400_000;

describe('manifest renewal', () => {
  it('asks for a renewed copy between half and three quarters of its validity, spread by install', () => {
    const copy = { issuedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), expiresAt: new Date(Date.UTC(2026, 0, 8)).toISOString() };
    const issued = Date.UTC(2026, 0, 1);
    const fractions = Array.from({ length: 1000 }, (_, index) =>
      renewalFraction(`${index.toString(16).padStart(8, '0')}-5a1f-4c1e-9a57-3b0f0c3f1a11`),
    );
    expect(Math.min(...fractions)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...fractions)).toBeLessThan(0.75);
    // Spread: the renewal moments of 1,000 installs cover most of the 1.75-day window, hour by hour.
    expect(new Set(fractions.map((fraction) => Math.floor((fraction * 7 * DAY) / 3_600_000))).size).toBeGreaterThan(35);
    const fraction = renewalFraction('7c0a4cf6-6a1f-4c1e-9a57-3b0f0c3f1a11');
    expect(renewalDue(copy, issued + 3 * DAY, fraction)).toBe(false);
    expect(renewalDue(copy, issued + 5.5 * DAY, fraction)).toBe(true);
  });
});
