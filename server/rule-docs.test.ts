import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkRule } from '../common/messages/index.js';
import { readCampaignFiles, DEMO_DIR } from './demo/load.js';

describe('docs/targeting.md', () => {
  it('shows only rules the server accepts', async () => {
    const text = await readFile(new URL('../docs/targeting.md', import.meta.url), 'utf8');
    const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as unknown);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const rule of blocks) expect(checkRule(rule), JSON.stringify(rule)).toEqual([]);
  });

  it('demo campaigns are valid', async () => {
    const campaigns = await readCampaignFiles(DEMO_DIR);
    expect(campaigns.map((campaign) => campaign.id)).toEqual([
      'cyan-low-805xl',
      'firmware-2-4-eu',
      'guide-jam-rear-unit',
      'guide-replace-cyan-805xl',
      'print-quality-survey',
    ]);
  });
});
