import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySupply, describeLevel, lowestSupply, SupplySchema, type SupplyLevel, type SupplyReading } from './supply.js';

const reading = (overrides: Partial<SupplyReading>): SupplyReading => ({
  id: 'cyan',
  name: 'Cyan ink',
  kind: 'ink',
  role: 'consumable',
  level: { kind: 'percent', percent: 50 },
  lowThreshold: 10,
  ...overrides,
});

describe('supply model', () => {
  it('marks a consumable low at its threshold and empty at 0 %', () => {
    expect(classifySupply(reading({ level: { kind: 'percent', percent: 11 } }))).toMatchObject({ low: false, empty: false });
    expect(classifySupply(reading({ level: { kind: 'percent', percent: 10 } }))).toMatchObject({ low: true, empty: false });
    expect(classifySupply(reading({ level: { kind: 'percent', percent: 0 } }))).toMatchObject({ low: true, empty: true });
  });

  it('treats a receptacle as filling up: nearly full is low, 100 % is full', () => {
    const waste = (percent: number) =>
      classifySupply(reading({ id: 'waste', kind: 'waste', role: 'receptacle', lowThreshold: 90, level: { kind: 'percent', percent } }));
    expect(waste(5)).toMatchObject({ low: false, empty: false });
    expect(waste(92)).toMatchObject({ low: true, empty: false });
    expect(waste(100)).toMatchObject({ low: true, empty: true });
  });

  it('never shows a state that is not a number as 0 % or as low', () => {
    const states: SupplyLevel[] = [{ kind: 'unknown' }, { kind: 'unavailable' }, { kind: 'some-left' }];
    for (const level of states) {
      const supply = classifySupply(reading({ level }));
      expect(supply.low).toBe(false);
      expect(supply.empty).toBe(false);
      expect(describeLevel(level)).not.toMatch(/\d/);
    }
  });

  it('keeps what a source reports even without a number', () => {
    expect(classifySupply(reading({ level: { kind: 'some-left' }, lowReported: true }))).toMatchObject({ low: true, empty: false });
    expect(classifySupply(reading({ level: { kind: 'unknown' }, emptyReported: true }))).toMatchObject({ low: true, empty: true });
  });

  it('picks the supply closest to running out, counting receptacles by room left', () => {
    const supplies = [
      classifySupply(reading({ id: 'black', level: { kind: 'percent', percent: 40 } })),
      classifySupply(reading({ id: 'cyan', level: { kind: 'percent', percent: 25 } })),
      classifySupply(
        reading({ id: 'waste', role: 'receptacle', kind: 'waste', lowThreshold: 90, level: { kind: 'percent', percent: 80 } }),
      ),
      classifySupply(reading({ id: 'magenta', level: { kind: 'unknown' } })),
    ];
    expect(lowestSupply(supplies)?.id).toBe('waste');
    expect(lowestSupply(supplies.slice(0, 2))?.id).toBe('cyan');
    expect(lowestSupply([])).toBeUndefined();
  });

  it('always produces a supply the schema accepts, with empty implying low', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.constantFrom('consumable' as const, 'receptacle' as const),
        (percent, threshold, role) => {
          const supply = classifySupply(reading({ role, lowThreshold: threshold, level: { kind: 'percent', percent } }));
          expect(SupplySchema.safeParse(supply).success).toBe(true);
          if (supply.empty) expect(supply.low).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
