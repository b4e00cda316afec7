import { z } from 'zod';
import { InstallIdSchema } from './events.js';

/**
 * What the device and the backend exchange about an install's own data: its credential, and
 * export and deletion requests with their receipts. Shared by server/routes/privacy.ts and
 * core/privacy, so both parse the same shapes.
 */

/** Header of every request that speaks for an install; the value is `Bearer <credential>`. */
export const CREDENTIAL_SCHEME = 'Bearer';

/**
 * An install credential: 32 random bytes, base64url, prefixed so a person can tell it from other
 * tokens. Made on the device at first run; the server keeps only its SHA-256.
 */
export const InstallCredentialSchema = z
  .string()
  .regex(/^ts_install_[A-Za-z0-9_-]{43}$/, 'An install credential is "ts_install_" and 43 base64url characters.');

/** POST /v1/installs: registers the credential the device made (idempotent: the same pair again is fine). */
export const InstallRegistrationSchema = z.strictObject({ installId: InstallIdSchema });
export const InstallRegistrationResultSchema = z.object({
  installId: InstallIdSchema,
  status: z.enum(['registered', 'already-registered']),
});

/** Kinds of data a deletion covers: `usage` = events, their CRM outbox rows, CRM segments and links; `support` = diagnostics cases. */
export const DataScopeSchema = z.enum(['usage', 'support']);
export type DataScope = z.infer<typeof DataScopeSchema>;
export const ALL_SCOPES: readonly DataScope[] = ['usage', 'support'];

/** The body of an export or deletion request; the id is the device's idempotency key (a retry gets the same receipt). */
export const PrivacyRequestBodySchema = z.strictObject({
  requestId: z.uuid({ message: 'A request id is a UUID the app makes once per request.' }),
  scopes: z.array(DataScopeSchema).min(1).max(2).optional(),
});
export type PrivacyRequestBody = z.infer<typeof PrivacyRequestBodySchema>;

/** How much was found (export) or removed (deletion), per kind of data. */
export const PrivacyCountsSchema = z.object({
  events: z.number().int().min(0),
  segments: z.number().int().min(0),
  customerLinks: z.number().int().min(0),
  outbox: z.number().int().min(0),
  diagnosticsCases: z.number().int().min(0),
});
export type PrivacyCounts = z.infer<typeof PrivacyCountsSchema>;

/** A receipt: what the server did with one request, pollable by its id. */
export const PrivacyReceiptSchema = z.object({
  id: z.uuid(),
  installId: InstallIdSchema,
  kind: z.enum(['export', 'deletion']),
  scopes: z.array(DataScopeSchema),
  status: z.enum(['pending', 'completed']),
  requestedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  counts: PrivacyCountsSchema.nullable(),
});
export type PrivacyReceipt = z.infer<typeof PrivacyReceiptSchema>;

/** GET …/export: everything the server holds for the install, as JSON. */
export const PrivacyExportSchema = z.object({
  installId: InstallIdSchema,
  exportedAt: z.iso.datetime(),
  /** Each event exactly as the device uploaded it. */
  events: z.array(z.unknown()),
  segments: z.array(z.string()),
  customerIds: z.array(z.string()),
  outbox: z.array(
    z.object({ eventId: z.string(), attempts: z.number(), deliveredAt: z.string().nullable(), givenUpAt: z.string().nullable() }),
  ),
  diagnosticsCases: z.array(
    z.object({ code: z.string(), uploadedAt: z.string(), expiresAt: z.string(), bytes: z.number(), summary: z.unknown() }),
  ),
  requests: z.array(PrivacyReceiptSchema),
});
export type PrivacyExport = z.infer<typeof PrivacyExportSchema>;
