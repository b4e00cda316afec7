import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CampaignInputSchema, parseManifest } from '../../common/messages/index.js';
import { buildManifest } from './build.js';

const demo = CampaignInputSchema.parse(JSON.parse(readFileSync(new URL('../demo/cyan-low-805xl.json', import.meta.url), 'utf8')));
const base = {
  segment: { productLine: 'trayside-demo', locale: 'en' },
  version: 3,
  issuedAtMs: Date.UTC(2026, 1, 1),
  expiresAtMs: Date.UTC(2026, 1, 8),
  pollIntervalSeconds: 3600,
};

describe('holdout and control groups in the signed manifest', () => {
  it('publishes the holdout salt and share and each campaign’s control share, which the app reads back', () => {
    const manifest = buildManifest({
      ...base,
      holdout: { salt: 'period-2026-q1', share: 0.05 },
      campaigns: [{ id: demo.id, revision: 1, campaign: { ...demo, controlShare: 0.1 } }],
    });
    const { manifest: parsed, skipped } = parseManifest(JSON.parse(JSON.stringify(manifest)));
    expect(skipped).toEqual([]);
    expect(parsed.holdout).toEqual({ salt: 'period-2026-q1', share: 0.05 });
    expect(parsed.messages[0]?.controlShare).toBe(0.1);
  });

  it('signs the payload it always did without them, and such a manifest still parses', () => {
    const manifest = buildManifest({ ...base, campaigns: [{ id: demo.id, revision: 1, campaign: demo }] });
    const text = JSON.stringify(manifest);
    expect(text).not.toContain('holdout');
    expect(text).not.toContain('controlShare');
    expect(parseManifest(JSON.parse(text)).manifest.messages).toHaveLength(1);
  });

  it('refuses a control share above half of the installs', () => {
    const result = CampaignInputSchema.safeParse({ ...demo, controlShare: 0.8 });
    expect(result.success).toBe(false);
  });
});
