import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignInputSchema } from '../common/messages/index.js';
import { PreviewDeviceStateSchema } from '../common/messages/explain-targeting.js';
import { PreviewInputError } from './preview-files.js';
import { panelDraft, previewNotes } from './preview-session.js';

const demo = CampaignInputSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../server/demo/cyan-low-805xl.json'), 'utf8')));
const state = PreviewDeviceStateSchema.parse({ productLine: 'trayside-demo', locale: 'de-DE', region: 'DE' });

describe('the draft the panel preview publishes', () => {
  it('keeps one variant, the first not paused by default, and drops the control group', () => {
    const campaign = { ...demo, controlShare: 0.2, variants: [{ ...demo.variants[0]!, weight: 0 }, demo.variants[1]!] };
    const draft = panelDraft(campaign, undefined);
    expect(draft.variants.map((variant) => variant.id)).toEqual(['value-pack']);
    expect(draft).not.toHaveProperty('controlShare');
    expect(draft.rule).toEqual(demo.rule);
  });

  it('shows a chosen variant even when it is paused, and names the variants when the choice is unknown', () => {
    const paused = { ...demo, variants: [{ ...demo.variants[0]!, weight: 0 }, demo.variants[1]!] };
    expect(panelDraft(paused, 'plain').variants).toEqual([{ ...demo.variants[0]!, weight: 1 }]);
    expect(() => panelDraft(demo, 'nope')).toThrow(PreviewInputError);
    expect(() => panelDraft(demo, 'nope')).toThrow('--variant nope: the campaign has no such variant (it has plain, value-pack).');
  });
});

describe('what the panel cannot reproduce of a state', () => {
  it('says nothing for a plain state', () => {
    expect(previewNotes(demo, state)).toEqual([]);
  });

  it('names the moment, the forecast, CRM segments, the OS version, a guessed region and the control group', () => {
    const rich = PreviewDeviceStateSchema.parse({
      productLine: 'trayside-demo',
      locale: 'de-DE',
      at: '2026-06-01T08:00:00Z',
      osVersion: '10.0.22631',
      crmSegments: ['loyal'],
      supplies: [{ id: 'cyan', kind: 'ink', level: 20, daysLeft: 3 }],
    });
    const notes = previewNotes({ ...demo, controlShare: 0.1, segment: { ...demo.segment, regions: ['DE'] } }, rich);
    expect(notes).toHaveLength(6);
    expect(notes[0]).toContain('2026-06-01T08:00:00Z');
    expect(notes.at(-1)).toContain('10 % control group');
  });
});
