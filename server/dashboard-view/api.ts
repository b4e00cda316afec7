import type { z } from 'zod';
import { CampaignStatsSchema } from '../../common/analytics.js';
import { DashboardCampaignsSchema, DashboardSessionSchema } from '../../common/dashboard.js';
import { callJson, postJson, signOut } from '../view-kit/api-call.js';

export { ApiFailure } from '../view-kit/api-call.js';

const call = <T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> =>
  callJson(schema, path, init, 'The server cannot be reached. Check your connection and try again.');

/** The dashboard's calls (server/dashboard/view-routes.ts), each answer parsed before it is shown. */
export const api = {
  session: () => call(DashboardSessionSchema, '/dashboard/api/session'),
  signIn: (token: string) => call(DashboardSessionSchema, '/dashboard/api/sign-in', postJson({ token })),
  signOut: () => signOut('/dashboard/api/sign-out'),
  campaigns: () => call(DashboardCampaignsSchema, '/dashboard/api/campaigns'),
  stats: (campaignId: string) => call(CampaignStatsSchema, `/dashboard/api/stats/${encodeURIComponent(campaignId)}`),
};
