import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeIssues, fieldIssues, parseCampaignOrGuide, type CampaignInput } from '../../common/messages/index.js';
import type { Store } from '../store/store.js';

/** Folder of the demo campaigns shipped with the server. */
export const DEMO_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Reads and validates every `*.json` campaign in a folder; an invalid file is an error naming the file and field. */
export async function readCampaignFiles(dir: string): Promise<CampaignInput[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const campaigns: CampaignInput[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const result = parseCampaignOrGuide(JSON.parse(await readFile(file, 'utf8')));
    if (!result.success) throw new Error(`${file}:\n${describeIssues(fieldIssues(result.error))}`);
    campaigns.push(result.data);
  }
  return campaigns;
}

/**
 * Creates and publishes the demo campaigns that are not in the store yet. Existing ones are left
 * alone, so edits and archives made through the admin API survive restarts.
 */
export async function seedDemoCampaigns(store: Store, now: Date, dir = DEMO_DIR): Promise<string[]> {
  const added: string[] = [];
  for (const campaign of await readCampaignFiles(dir)) {
    if ((await store.getCampaign(campaign.id)) !== null) continue;
    await store.createCampaign(campaign, now);
    await store.publishCampaign(campaign.id, now);
    added.push(campaign.id);
  }
  return added;
}
