import { z } from 'zod';
import { DataScopeSchema, PrivacyCountsSchema } from '../privacy.js';
import { call, event } from './define.js';

/**
 * One export or deletion request as the panel shows it. `queued`: made on this machine, not yet
 * acknowledged by the server (it is retried until it is); `pending` / `completed`: the server's
 * receipt.
 */
export const PrivacyRequestViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['export', 'deletion']),
  scopes: z.array(DataScopeSchema),
  /** Why it was made: the owner's button, or withdrawn consent. */
  reason: z.enum(['owner', 'consent-withdrawn']),
  status: z.enum(['queued', 'pending', 'completed']),
  requestedAt: z.number().int(),
  completedAt: z.number().int().nullable(),
  counts: PrivacyCountsSchema.nullable(),
  /** The last failed attempt, in words, while it is still being retried. */
  problem: z.string().nullable(),
});
export type PrivacyRequestView = z.infer<typeof PrivacyRequestViewSchema>;

export const PrivacyStateSchema = z.object({
  /** False when there is no backend configured (nothing was ever sent, so nothing can be exported or deleted). */
  available: z.boolean(),
  /** Newest first. */
  requests: z.array(PrivacyRequestViewSchema),
});
export type PrivacyState = z.infer<typeof PrivacyStateSchema>;

/** "Download my data" and "Delete my data", with the server's receipts. */
export const privacyFeature = {
  getState: call({
    input: z.void(),
    output: PrivacyStateSchema,
    summary: 'The export and deletion requests of this install and their receipts.',
  }),
  requestExport: call({
    input: z.void(),
    output: PrivacyStateSchema,
    summary: 'Asks the server for everything it holds for this install; the receipt turns completed when it is ready to download.',
  }),
  requestDeletion: call({
    input: z.object({ scopes: z.array(DataScopeSchema).min(1).max(2).optional() }).strict(),
    output: PrivacyStateSchema,
    summary: 'Asks the server to delete what it holds for this install (all of it by default); retried until the server acknowledges it.',
  }),
  downloadExport: call({
    input: z.object({ requestId: z.uuid() }).strict(),
    output: z.object({ fileName: z.string(), json: z.string() }),
    summary: 'The data of a completed export, as JSON text to save.',
  }),
  onChanged: event({ payload: PrivacyStateSchema, summary: 'A request was made, acknowledged or completed.' }),
};
