import { z } from 'zod';
import {
  CampaignInputSchema,
  CampaignListSchema,
  CampaignRecordSchema,
  CampaignStatusSchema,
  LiveListingSchema,
  PublishResultSchema,
  SlugSchema,
  TokenRequestSchema,
  TokenResultSchema,
  checkCampaignLinks,
  checkGroupCaps,
  uncheckedLinkWarnings,
  type FieldIssue,
  type LiveListing,
} from '../../common/messages/index.js';
import {
  CampaignPreviewRequestSchema,
  CampaignPreviewSchema,
  explainTargeting,
  type CampaignPreview,
} from '../../common/messages/explain-targeting.js';
import { hashToken, newToken } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { resolveContent } from '../manifest/build.js';

const IdParams = z.object({ id: SlugSchema });
const errors = {
  400: { description: 'Invalid input; `issues` names each bad field.' },
  401: { description: 'Missing or unknown bearer token.' },
  403: { description: 'The token does not have the admin role.' },
};

/** `If-Match: "3"` (or `3`) → 3: optimistic concurrency for updates. */
function expectedRevision(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*"?(\d{1,9})"?\s*$/.exec(header);
  if (match === null)
    throw new HttpError(400, 'invalid-request', 'If-Match must be the revision number you edited, e.g. If-Match: "3".', [
      { field: 'If-Match', message: 'Not a revision number.' },
    ]);
  return Number(match[1]);
}

/** The marketer's preview: the targeting verdict for one device state and every variant's words; nothing is stored. */
function previewCampaign(request: z.output<typeof CampaignPreviewRequestSchema>, now: number): CampaignPreview {
  const { campaign, device } = request;
  return {
    campaignId: campaign.id,
    ...explainTargeting(campaign, device, now),
    variants: campaign.variants.map((variant) => ({
      id: variant.id,
      weight: variant.weight,
      shownLocale: resolveContent(variant.content, device.locale, campaign.defaultLocale)?.locale ?? null,
      content: Object.entries(variant.content).map(([locale, content]) => ({ locale, title: content.title, body: content.body })),
    })),
  };
}

/** The admin API: campaigns, publishing, what is live, tokens. */
export const adminRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/admin/campaigns/preview',
    summary: 'Preview a draft campaign against a device state: whether it matches, why, and its words; nothing is stored or published',
    tag: 'admin',
    auth: 'admin',
    body: CampaignPreviewRequestSchema,
    responses: {
      200: { description: 'The targeting verdict per condition and each variant per locale.', schema: CampaignPreviewSchema },
      ...errors,
    },
    handler: async ({ body, deps }) => previewCampaign(body, deps.clock.now()),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/admin/campaigns',
    summary: 'List campaigns (optionally by status)',
    tag: 'admin',
    auth: 'admin',
    query: z.strictObject({ status: CampaignStatusSchema.optional() }),
    responses: { 200: { description: 'Campaigns by id.', schema: CampaignListSchema }, ...errors },
    handler: async ({ query, deps }) => ({ campaigns: await deps.store.listCampaigns(query.status) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/admin/campaigns',
    summary: 'Create a campaign (as a draft)',
    tag: 'admin',
    auth: 'admin',
    body: CampaignInputSchema,
    responses: { 201: { description: 'Created.', schema: CampaignRecordSchema }, 409: { description: 'The id exists.' }, ...errors },
    handler: async ({ body, reply, deps }) => {
      const record = await deps.store.createCampaign(body, new Date(deps.clock.now()));
      return reply.code(201).send(record);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/admin/campaigns/:id',
    summary: 'One campaign',
    tag: 'admin',
    auth: 'admin',
    params: IdParams,
    responses: {
      200: { description: 'The campaign.', schema: CampaignRecordSchema },
      404: { description: 'No such campaign.' },
      ...errors,
    },
    handler: async ({ params, deps }) => {
      const record = await deps.store.getCampaign(params.id);
      if (record === null) throw new HttpError(404, 'not-found', `No campaign with id "${params.id}".`);
      return record;
    },
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/admin/campaigns/:id',
    summary: 'Update a campaign; live manifests keep the published revision until it is published again',
    tag: 'admin',
    auth: 'admin',
    params: IdParams,
    body: CampaignInputSchema,
    headers: [{ name: 'If-Match', description: 'Optional: the revision you edited; 409 when it changed meanwhile.' }],
    responses: {
      200: { description: 'Updated.', schema: CampaignRecordSchema },
      404: { description: 'No such campaign.' },
      409: { description: 'Revision changed.' },
      ...errors,
    },
    handler: async ({ params, body, request, deps }) => {
      if (body.id !== params.id) {
        throw new HttpError(
          400,
          'invalid-request',
          `The body's id "${body.id}" differs from the URL's "${params.id}"; ids cannot be renamed.`,
          [{ field: 'id', message: `Must be "${params.id}" (the id in the URL).` }],
        );
      }
      const ifMatch = request.headers['if-match'];
      return deps.store.updateCampaign(
        params.id,
        body,
        new Date(deps.clock.now()),
        expectedRevision(typeof ifMatch === 'string' ? ifMatch : undefined),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/admin/campaigns/:id/publish',
    summary: 'Publish the latest revision: manifests carry it from the next version on',
    tag: 'admin',
    auth: 'admin',
    params: IdParams,
    responses: {
      200: {
        description:
          'Published; `version` is the manifest version that has it, `pollIntervalSeconds` how soon installs ask for it, `warnings` what could not be checked.',
        schema: PublishResultSchema,
      },
      404: { description: 'No such campaign.' },
      ...errors,
      400: {
        description:
          'A link the app would drop (a host not on the branding allow-list, not https), or a message group whose caps differ from a live campaign of the same group; `issues` names each by field.',
      },
    },
    handler: async ({ params, deps }) => {
      // Links are checked here rather than on save, so a draft can be written before the branding allows its host.
      const record = await deps.store.getCampaign(params.id);
      let warnings: FieldIssue[] = [];
      if (record !== null) {
        if (deps.linkPolicy !== undefined) {
          const issues = checkCampaignLinks(record.campaign, deps.linkPolicy);
          if (issues.length > 0) {
            throw new HttpError(
              400,
              'invalid-request',
              `Not published: ${issues.length === 1 ? 'a link goes' : `${issues.length} links go`} where the app will not open ${issues.length === 1 ? 'it' : 'them'} (the branding's allow-list).`,
              issues,
            );
          }
        } else {
          warnings = uncheckedLinkWarnings(record.campaign);
        }
      }
      if (record !== null) {
        const conflicts = checkGroupCaps(params.id, record.campaign, (await deps.store.liveCampaigns()).campaigns);
        if (conflicts.length > 0) throw new HttpError(400, 'invalid-request', `Not published: ${conflicts[0]!.message}`, conflicts);
      }
      const result = await deps.store.publishCampaign(params.id, new Date(deps.clock.now()));
      deps.manifests.invalidate();
      return { ...result, pollIntervalSeconds: deps.pollIntervalSeconds, ...(warnings.length > 0 ? { warnings } : {}) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/admin/campaigns/:id/archive',
    summary: 'Withdraw a campaign from manifests (kept for reports)',
    tag: 'admin',
    auth: 'admin',
    params: IdParams,
    responses: { 200: { description: 'Archived.', schema: PublishResultSchema }, 404: { description: 'No such campaign.' }, ...errors },
    handler: async ({ params, deps }) => {
      const result = await deps.store.archiveCampaign(params.id, new Date(deps.clock.now()));
      deps.manifests.invalidate();
      return result;
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/admin/live',
    summary: 'What manifests carry now, and the current version',
    tag: 'admin',
    auth: 'admin',
    responses: { 200: { description: 'Live campaigns.', schema: LiveListingSchema }, ...errors },
    handler: async ({ deps }): Promise<LiveListing> => {
      const live = await deps.store.liveCampaigns();
      return {
        version: live.version,
        changedAt: live.changedAt.toISOString(),
        campaigns: live.campaigns.map(({ id, revision, publishedAt, campaign }) => ({
          id,
          name: campaign.name,
          category: campaign.category,
          priority: campaign.priority,
          publishedRevision: revision,
          publishedAt: publishedAt.toISOString(),
          productLines: campaign.segment.productLines,
          locales: campaign.segment.locales,
        })),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/admin/tokens',
    summary: 'Mint a bearer token for a role; it is shown once and stored only as a hash',
    tag: 'admin',
    auth: 'admin',
    body: TokenRequestSchema,
    responses: { 201: { description: 'The new token.', schema: TokenResultSchema }, ...errors },
    handler: async ({ body, reply, deps }) => {
      const token = newToken(body.role);
      await deps.store.addToken(hashToken(token), body.role, body.label, new Date(deps.clock.now()));
      return reply.code(201).send({ token, role: body.role, label: body.label });
    },
  }),
];
