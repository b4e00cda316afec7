// Campaigns for the end-to-end specs, published the way an OEM does it: through the backend's
// admin API (create, then publish), each answer checked so a refused campaign fails the setup
// with the server's words instead of a panel that simply stays empty.
import type { CampaignInputRaw } from '../../common/messages/index.js';
import { expect } from './harness.js';

type Content = NonNullable<CampaignInputRaw['variants'][number]['content']['en']>;

/** A supplies campaign for the demo printer in English, shown at app start, with one variant `a`. */
export function demoCampaign(id: string, name: string, content: Content): CampaignInputRaw {
  return {
    id,
    name,
    category: 'supplies',
    priority: 500,
    schedule: { start: '2025-01-01T00:00', timeZone: 'UTC' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: true,
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: content } }],
  };
}

/** Creates and publishes `campaign` on the backend at `backend` with an admin token. */
export async function publishCampaign(backend: string, adminToken: string, campaign: CampaignInputRaw): Promise<void> {
  for (const [route, body] of [
    ['/v1/admin/campaigns', campaign],
    [`/v1/admin/campaigns/${campaign.id}/publish`, undefined],
  ] as const) {
    const response = await fetch(new URL(route, backend), {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(response.status, await response.text()).toBeLessThan(300);
  }
}
