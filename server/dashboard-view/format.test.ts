import { describe, expect, it } from 'vitest';
import type { OutcomeRow } from '../../common/analytics.js';
import { count, outcomesEmpty, percent, points, rowLabel, upliftCell, upliftSentence } from './format.js';

function row(variantId: string, replaced: number, exposed: number, uplift: OutcomeRow['uplift'] = null): OutcomeRow {
  return {
    variantId,
    exposures: exposed,
    wouldHaveShown: 0,
    exposedInstalls: exposed,
    clicks: 0,
    reorders: 0,
    feedback: 0,
    replacements: replaced,
    genuineReplacements: 0,
    replacedInstalls: replaced,
    replacementRate: exposed === 0 ? null : replaced / exposed,
    uplift,
  } as OutcomeRow;
}

const withheld = row('withheld', 3, 14);

describe('figures', () => {
  it('group thousands and round rates like the admin CLI', () => {
    expect(count(1234567)).toBe('1\u202f234\u202f567');
    expect(count(0)).toBe('0');
    expect(percent(0.21428)).toBe('21.4 %');
    expect(percent(null)).toBe('–');
    expect(points(0.386)).toBe('+38.6');
    expect(points(-0.0031)).toBe('-0.3');
    expect(points(0)).toBe('+0.0');
  });

  it('write the uplift cell with its sign and interval, as the admin CLI prints it (common/analytics-format.ts)', () => {
    const uplift = { difference: 0.386, low: -0.003, high: 0.656, method: 'newcombe-hybrid-score' as const };
    expect(upliftCell(uplift)).toBe('+38.6 pp (-0.3 to +65.6)');
    expect(upliftCell(null)).toBe('–');
  });

  it('name the groups in words', () => {
    expect(['plain', '(all)', 'holdout', 'control', 'withheld'].map((id) => rowLabel(row(id, 0, 0)))).toEqual([
      'Variant plain',
      'All variants',
      'Holdout',
      'Control',
      'Withheld (holdout + control)',
    ]);
  });
});

describe('upliftSentence', () => {
  it('says whether the interval includes zero', () => {
    const unsure = row('plain', 6, 10, { difference: 0.386, low: -0.003, high: 0.656, method: 'newcombe-hybrid-score' });
    expect(upliftSentence(unsure, withheld)).toBe(
      'Variant plain: 60.0 % of 10 installs replaced, a replacement rate 38.6 percentage points higher than the 21.4 % of 14 withheld installs (95 % confidence interval -0.3 to +65.6 points); the interval includes zero, so this could still be no effect at all.',
    );
    const sure = row('b', 60, 100, { difference: 0.2, low: 0.05, high: 0.33, method: 'newcombe-hybrid-score' });
    expect(upliftSentence(sure, withheld)).toContain('the whole interval is above zero, so the campaign most likely raised replacements.');
    const worse = row('c', 1, 100, { difference: -0.2, low: -0.3, high: -0.1, method: 'newcombe-hybrid-score' });
    expect(upliftSentence(worse, withheld)).toContain('20.0 percentage points lower than');
    expect(upliftSentence(worse, withheld)).toContain('most likely lowered replacements');
  });

  it('explains a missing uplift', () => {
    expect(upliftSentence(row('a', 0, 0), withheld)).toBe('Variant a: no uplift yet — no install has been shown it.');
    expect(upliftSentence(row('a', 1, 5), row('withheld', 0, 0))).toContain('no holdout or control install has matched');
  });
});

describe('outcomesEmpty', () => {
  it('is the CLI’s test: nothing replaced and nobody withheld', () => {
    const none = row('(all)', 0, 4);
    expect(
      outcomesEmpty({
        total: none,
        variants: [],
        holdout: row('holdout', 0, 0),
        control: row('control', 0, 0),
        withheld: row('withheld', 0, 0),
      }),
    ).toBe(true);
    expect(outcomesEmpty({ total: row('(all)', 1, 4), variants: [], holdout: withheld, control: withheld, withheld })).toBe(false);
  });
});
