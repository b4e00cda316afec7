import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SUPPORT_SCOPES } from '../store/diagnostics-store.js';

/** A support token: its own prefix, so nobody mistakes it for an admin token (which it can never act as). */
export function newSupportToken(): string {
  return `ts_support_${randomBytes(32).toString('base64url')}`;
}

/** A short public id to list and revoke a token by; the token itself is shown once and stored hashed. */
export function newSupportTokenId(): string {
  return `st_${randomBytes(6).toString('hex')}`;
}

export const SupportScopeSchema = z.enum(SUPPORT_SCOPES);

export const SupportTokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(SupportScopeSchema),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type SupportTokenInfoJson = z.infer<typeof SupportTokenInfoSchema>;

export const SupportTokenCreateSchema = z.strictObject({
  /** Who holds it: a person or a team, shown in the access log. */
  name: z.string().trim().min(1, 'Give the token a name (who holds it); it appears in the access log.').max(100),
  scopes: z
    .array(SupportScopeSchema)
    .min(1)
    .max(SUPPORT_SCOPES.length)
    .default([...SUPPORT_SCOPES]),
});

export const SupportTokenCreatedSchema = SupportTokenInfoSchema.extend({ token: z.string() });
export const SupportTokenListSchema = z.object({ tokens: z.array(SupportTokenInfoSchema) });
export const PruneResultSchema = z.object({ deletedCases: z.number().int().min(0) });
export const AccessLogSchema = z.object({
  entries: z.array(
    z.object({
      at: z.iso.datetime(),
      caseCode: z.string(),
      tokenId: z.string(),
      tokenName: z.string(),
      action: z.enum(['open', 'download']),
      remote: z.string().nullable(),
    }),
  ),
});
