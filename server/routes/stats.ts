import { z } from 'zod';
import { CampaignStatsSchema, type CampaignStats } from '../../common/analytics.js';
import { SlugSchema, type CampaignInput } from '../../common/messages/index.js';
import { buildCampaignStats } from '../analytics/stats.js';
import type { ServerDeps } from '../deps.js';
import { parseSegmentImport, SegmentImportResultSchema, SegmentImportSchema } from '../crm/segment-import.js';
import { HttpError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

/** Feedback, reorder and click events read per report; older ones are left out of text samples and reorder item sums. */
const DETAIL_LIMIT = 20_000;

const errors = {
  401: { description: 'Missing or unknown bearer token.' },
  403: { description: 'The token does not have the admin role.' },
};

/** A campaign's report (GET /v1/admin/stats/:campaignId, the dashboard and the admin CLI show the same); 404 when neither campaign nor events exist. */
export async function campaignStats(deps: ServerDeps, campaignId: string): Promise<CampaignStats> {
  const record = await deps.store.getCampaign(campaignId);
  const [counts, details] = await Promise.all([
    deps.store.analytics.countEvents(campaignId),
    deps.store.analytics.detailEvents(campaignId, DETAIL_LIMIT),
  ]);
  if (record === null && counts.length === 0) throw new HttpError(404, 'not-found', `No campaign "${campaignId}" and no events for it.`);
  // Weights come from the live revision (what devices pick from); a draft has none yet.
  const live = (await deps.store.liveCampaigns()).campaigns.find((campaign) => campaign.id === campaignId);
  const campaign: CampaignInput | undefined = live?.campaign ?? record?.campaign;
  // Installs that uploaded anything since the campaign was created: with usage sharing off an install uploads nothing, so a 0 here explains a report of zeros.
  const since = record === null ? null : new Date(record.createdAt);
  const sharingInstalls = await deps.store.analytics.countSharingInstalls(since);
  const stats = buildCampaignStats(campaignId, campaign, counts, details, new Date(deps.clock.now()), {
    installs: sharingInstalls,
    since,
  });
  if (live === undefined) for (const variant of [stats.total, ...stats.variants]) variant.weightShare = null;
  return stats;
}

/** Admin routes: campaign stats and the CRM loop. */
export const statsRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/admin/stats/:campaignId',
    summary:
      'Per-variant figures of a campaign: impressions, unique opens, click-through, reorders, conversions, ratings, survey answers; `sharing` says how many installs shared usage data (the only ones counted)',
    tag: 'admin',
    auth: 'admin',
    params: z.object({ campaignId: SlugSchema }),
    responses: {
      200: { description: 'The report.', schema: CampaignStatsSchema },
      404: { description: 'No such campaign and no events for it.' },
      ...errors,
    },
    handler: async ({ params, deps }) => campaignStats(deps, params.campaignId),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/admin/crm/segments',
    summary:
      'Import CRM segment membership (JSON rows or CSV text) keyed by install id or customer id; replaces the segments of every key named',
    tag: 'admin',
    auth: 'admin',
    body: SegmentImportSchema,
    responses: {
      200: { description: 'Imported.', schema: SegmentImportResultSchema },
      400: { description: 'Bad rows, each named by row or line; nothing was imported.' },
      ...errors,
    },
    handler: async ({ body, deps }) => {
      const { rows, issues } = parseSegmentImport(body);
      if (issues.length > 0)
        throw new HttpError(
          400,
          'invalid-request',
          `The import has problems; nothing was imported. ${issues
            .slice(0, 5)
            .map((issue) => `${issue.field}: ${issue.message}`)
            .join('; ')}`,
          issues,
        );
      const result = await deps.store.analytics.importSegments(rows, new Date(deps.clock.now()));
      return { rows: rows.length, ...result };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/admin/crm/outbox',
    summary: 'CRM webhook outbox: events waiting, delivered, given up',
    tag: 'admin',
    auth: 'admin',
    responses: {
      200: { description: 'Counts.', schema: z.object({ pending: z.number(), delivered: z.number(), givenUp: z.number() }) },
      ...errors,
    },
    handler: async ({ deps }) => deps.store.analytics.outboxCounts(),
  }),
];
