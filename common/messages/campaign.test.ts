import { describe, expect, it } from 'vitest';
import { CampaignInputSchema, LocalDateTimeSchema } from './campaign.js';
import { fieldIssues } from './issues.js';
import { pickVariant } from './variant.js';

const base = {
  id: 'spring-tips',
  name: 'Spring tips',
  category: 'tips',
  priority: 10,
  schedule: { start: '2026-03-01T09:00', timeZone: 'Europe/Berlin' },
  segment: { productLines: ['trayside-demo'], locales: ['en'] },
  rule: true,
  triggers: [{ type: 'scheduled' }],
  defaultLocale: 'en',
  variants: [{ id: 'a', weight: 1, content: { en: { title: 'Tip', body: 'Use *draft* mode for notes.' } } }],
};

const fields = (input: unknown) => {
  const result = CampaignInputSchema.safeParse(input);
  return result.success ? [] : fieldIssues(result.error).map((issue) => issue.field);
};

describe('campaign input', () => {
  it('applies defaults for urgency, caps, regions and actions', () => {
    const parsed = CampaignInputSchema.parse(base);
    expect(parsed.urgency).toBe('normal');
    expect(parsed.caps).toEqual({ maxImpressions: 3, maxPerDay: 1, cooldownHours: 24 });
    expect(parsed.segment.regions).toEqual([]);
    expect(parsed.variants[0]!.content.en!.actions).toEqual([]);
  });

  it('names each bad field', () => {
    expect(fields({ ...base, variants: [{ ...base.variants[0], content: { de: { title: 'x', body: '' } } }] })).toEqual([
      'variants[0].content',
    ]);
    expect(fields({ ...base, variants: [base.variants[0], base.variants[0]] })).toEqual(['variants[1].id']);
    expect(fields({ ...base, variants: [{ ...base.variants[0], weight: 0 }] })).toEqual(['variants']);
    expect(fields({ ...base, segment: { productLines: ['trayside-demo'], locales: ['en-us'] } })).toEqual(['segment.locales[0]']);
    expect(fields({ ...base, sgement: {} })).toEqual(['sgement']);
    const survey = { type: 'feedback', label: 'Tell us', kind: 'survey' };
    expect(fields({ ...base, variants: [{ ...base.variants[0], content: { en: { title: 't', body: '', actions: [survey] } } }] })).toEqual([
      'variants[0].content.en.actions[0].questions',
    ]);
  });

  it('accepts only real local date-times', () => {
    expect(LocalDateTimeSchema.safeParse('2026-02-29T10:00').success).toBe(false);
    expect(LocalDateTimeSchema.safeParse('2028-02-29T23:59:59').success).toBe(true);
    expect(LocalDateTimeSchema.safeParse('2026-03-01T09:00Z').success).toBe(false);
  });

  it('refuses a malformed schedule date-time by naming the field, instead of throwing', () => {
    // "tomorrow" used to reach the calendar check, which threw a TypeError: the admin API answered 500.
    for (const bad of ['tomorrow', '', '2026-03-01', 'T', '09:00']) {
      expect(fields({ ...base, schedule: { ...base.schedule, start: bad } }), bad).toEqual(['schedule.start']);
      expect(fields({ ...base, schedule: { ...base.schedule, end: bad } }), bad).toEqual(['schedule.end']);
    }
  });
});

describe('variant pick', () => {
  const variants = [
    { id: 'a', weight: 3 },
    { id: 'b', weight: 1 },
    { id: 'off', weight: 0 },
  ];
  it('is stable per install and spreads installs by weight', () => {
    expect(pickVariant('install-1', 'c', variants)).toBe(pickVariant('install-1', 'c', variants));
    const counts: Record<string, number> = { a: 0, b: 0, off: 0 };
    for (let index = 0; index < 4000; index += 1) counts[pickVariant(`install-${index}`, 'c', variants)!.id]! += 1;
    expect(counts.off).toBe(0);
    expect(counts.a! / 4000).toBeGreaterThan(0.7);
    expect(counts.a! / 4000).toBeLessThan(0.8);
    expect(pickVariant('x', 'c', [{ id: 'z', weight: 0 }])).toBeUndefined();
  });
});
