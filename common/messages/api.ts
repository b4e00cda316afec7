import { z } from 'zod';
import { CampaignInputSchema, SlugSchema } from './campaign.js';

/** Shapes of the admin API's answers, shared by the server, its OpenAPI document and the admin CLI. */

/** Every 4xx/5xx answer: a stable code, a sentence for a person, and the bad fields when there are any. */
export const ApiErrorSchema = z.object({
  statusCode: z.number().int(),
  /** Stable machine code: `invalid-request`, `invalid-json`, `body-too-large`, `unauthorized`, `forbidden`, `not-found`, `conflict`, `rate-limited`, … */
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** Lifecycle: `draft` (never published), `live` (in manifests), `archived` (withdrawn; kept for reports). */
export const CampaignStatusSchema = z.enum(['draft', 'live', 'archived']);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

/** A stored campaign. `campaign` is the latest edit; manifests serve the revision that was last published. */
export const CampaignRecordSchema = z.object({
  id: SlugSchema,
  status: CampaignStatusSchema,
  /** Goes up by one with every create or update. */
  revision: z.number().int().min(1),
  /** The revision manifests serve, or null when never published. */
  publishedRevision: z.number().int().min(1).nullable(),
  /** True when the latest edit is not yet published. */
  unpublishedChanges: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
  archivedAt: z.iso.datetime().nullable(),
  campaign: CampaignInputSchema,
});
export type CampaignRecord = z.infer<typeof CampaignRecordSchema>;

/** GET /v1/admin/campaigns. */
export const CampaignListSchema = z.object({ campaigns: z.array(CampaignRecordSchema) });

/** Answer of publish and archive: the record and the manifest version that now includes (or drops) it. */
export const PublishResultSchema = z.object({
  record: CampaignRecordSchema,
  version: z.number().int().min(0),
  /** How often manifests ask devices to poll: an install sees the change at its next poll, within about this long. */
  pollIntervalSeconds: z.number().int().min(1).optional(),
  /** Things published anyway that may not show as meant (links not checked: the server does not know the branding). */
  warnings: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type PublishResult = z.infer<typeof PublishResultSchema>;

/** GET /v1/admin/live: what manifests carry now. */
export const LiveListingSchema = z.object({
  version: z.number().int().min(0),
  changedAt: z.iso.datetime(),
  campaigns: z.array(
    z.object({
      id: SlugSchema,
      name: z.string(),
      category: z.string(),
      priority: z.number(),
      publishedRevision: z.number().int(),
      publishedAt: z.iso.datetime(),
      productLines: z.array(z.string()),
      locales: z.array(z.string()),
    }),
  ),
});
export type LiveListing = z.infer<typeof LiveListingSchema>;

/** GET /v1/signing-key: what the app's branding config pins. */
export const SigningKeyInfoSchema = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: z.string(),
  /** Base64 of the raw 32-byte public key (for node:crypto: JWK {kty:"OKP", crv:"Ed25519", x: base64url of it}). */
  publicKey: z.string(),
  /** The same key as SPKI PEM. */
  publicKeyPem: z.string(),
});
export type SigningKeyInfo = z.infer<typeof SigningKeyInfoSchema>;

/** POST /v1/admin/tokens: mint a token for a role; the token is shown once and stored only as a hash. */
export const TokenRequestSchema = z.strictObject({
  role: z.enum(['admin', 'device']),
  label: z.string().min(1).max(100),
});
/** The minted token. */
export const TokenResultSchema = z.object({ token: z.string(), role: z.enum(['admin', 'device']), label: z.string() });
