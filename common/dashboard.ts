import { z } from 'zod';

// The statuses of common/messages/api.ts, spelt out here so the dashboard's bundle does not carry the campaign schemas.
const StatusSchema = z.enum(['draft', 'live', 'archived']);

/** GET /dashboard/api/campaigns: what the campaign dashboard lists, newest first. */
export const DashboardCampaignsSchema = z.object({
  campaigns: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: StatusSchema,
      publishedAt: z.iso.datetime().nullable(),
      updatedAt: z.iso.datetime(),
    }),
  ),
});
export type DashboardCampaigns = z.infer<typeof DashboardCampaignsSchema>;
export type DashboardCampaign = DashboardCampaigns['campaigns'][number];

/** GET /dashboard/api/session: who is signed in. */
export const DashboardSessionSchema = z.object({ signedIn: z.literal(true), role: z.literal('admin') });
