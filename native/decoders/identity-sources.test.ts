import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARDUINO_UPS_DESCRIPTOR } from './fixtures/hid-descriptors.js';
import { parseReportDescriptor } from './hid-descriptor.js';
import { hidUsageName, summarizeHidFields } from './hid-summary.js';
import { ippAttributesText, ippIdentitySources, ippValueText } from './ipp-attributes-text.js';
import type { IppValue } from './ipp-supplies.js';

describe('the HID descriptor in summary, as support reads it', () => {
  it('names the UPS application collection, counts its reports and lists the usages by name', () => {
    const parsed = parseReportDescriptor(ARDUINO_UPS_DESCRIPTOR);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const summary = summarizeHidFields(parsed.value);
    expect(summary).toMatchObject({ usagePage: 0x84, usage: 0x04 });
    const inputs = new Set(parsed.value.filter((field) => field.reportType === 'input').map((field) => field.reportId));
    const features = new Set(parsed.value.filter((field) => field.reportType === 'feature').map((field) => field.reportId));
    expect(summary.reports).toEqual({ input: inputs.size, output: expect.any(Number), feature: features.size });
    expect(summary.reports.input + summary.reports.feature).toBeGreaterThan(0);
    expect(summary.usages).toContain('batteryRemainingCapacity');
    expect(new Set(summary.usages).size).toBe(summary.usages.length);
  });

  it('writes a usage it has no name for as page:id in hex', () => {
    expect(hidUsageName(0x00ff_0001)).toBe('0x00ff:0x0001');
    expect(hidUsageName(0x0085_0066)).toBe('batteryRemainingCapacity');
  });

  it('an empty descriptor is an empty summary, not a failure', () => {
    expect(summarizeHidFields([])).toEqual({ reports: { input: 0, output: 0, feature: 0 }, usages: [] });
  });
});

describe('IPP attributes as text', () => {
  it('writes every kind of value as a person reads it', () => {
    const values: Array<[IppValue, string]> = [
      ['idle', 'idle'],
      [3, '3'],
      [true, 'true'],
      [null, '(no value)'],
      [new TextEncoder().encode('MFG:HP;'), 'MFG:HP;'],
      [new Date(Date.UTC(2026, 11, 3, 9, 30)), '2026-12-03T09:30:00.000Z'],
      [{ lower: 1, upper: 99 }, '1-99'],
      [{ x: 600, y: 1200, units: 3 }, '600x1200 dpi'],
      [{ text: 'Bureau', language: 'fr' }, 'Bureau'],
      [
        { collection: { 'media-size': [{ collection: { 'x-dimension': [21000] } }], 'media-type': ['stationery'] } },
        '{media-size={x-dimension=21000} media-type=stationery}',
      ],
    ];
    for (const [value, text] of values) expect(ippValueText(value)).toBe(text);
  });

  it('one value is a string, several an array; a printer that answers without limit is cut to the bundle’s bounds', () => {
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, index) => [`vendor-attribute-${index}`, ['x'.repeat(5000)]]));
    const text = ippAttributesText({ 'printer-state-reasons': ['toner-low', 'media-empty'], 'printer-name': ['Office'], ...many });
    expect(text['printer-state-reasons']).toEqual(['toner-low', 'media-empty']);
    expect(text['printer-name']).toBe('Office');
    expect(Object.keys(text)).toHaveLength(300);
    expect(Math.max(...Object.values(text).map((value) => String(value).length))).toBeLessThanOrEqual(2000);
  });

  it('passes the 1284 ID the printer reported on, field by field', () => {
    const sources = ippIdentitySources({ 'printer-device-id': ['MFG:Brother;MDL:HL-L2350DW series;CMD:PJL,PCL;SN:E78123K9N123456;'] });
    expect(sources.ieee1284).toEqual({ MFG: 'Brother', MDL: 'HL-L2350DW series', CMD: 'PJL,PCL', SN: 'E78123K9N123456' });
    expect(ippIdentitySources({}).ieee1284).toBeUndefined();
  });

  it('never throws on a collection nested without end or on a bad date', () => {
    let deep: IppValue = 'bottom';
    for (let level = 0; level < 10_000; level += 1) deep = { collection: { inner: [deep] } };
    expect(ippValueText(deep)).toContain('{…}');
    expect(ippValueText(new Date(Number.NaN))).toBe('(bad date)');
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 200 }), fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)))),
        (attributes) => {
          const text = ippAttributesText(attributes);
          return Object.keys(text).length <= 300;
        },
      ),
    );
  });
});
