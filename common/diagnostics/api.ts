import { z } from 'zod';
import { CASE_CODE_PATTERN } from './case-code.js';

/**
 * The diagnostics upload API between the owner's app and the backend (server/ implements it).
 *
 *   POST   /v1/diagnostics          body: the bundle JSON text exactly as the owner reviewed it
 *                                   (Content-Type: application/json; Content-Encoding: gzip allowed)
 *                                   → 201 UploadResponse
 *   DELETE /v1/diagnostics/:code    Authorization: Bearer <deleteToken from the upload's answer>
 *                                   → 204; 404 unknown or already deleted; 403 wrong token
 *
 * The delete token makes deletion the uploader's alone: the case code is read aloud to support,
 * so knowing it must not be enough to delete the case. Errors use the server's usual
 * ApiError body { statusCode, error, message } (413 too large, 415 wrong content type, 400 malformed
 * or truncated, 429 rate-limited with Retry-After).
 */

export const DIAGNOSTICS_PATH = '/v1/diagnostics';

/** Path of one case: `/v1/diagnostics/K7QM-42XD-9`. */
export function diagnosticsCasePath(code: string): string {
  return `${DIAGNOSTICS_PATH}/${encodeURIComponent(code)}`;
}

/** Optional headers the app sends with an upload (the body itself is the bundle). */
export const UploadHeadersSchema = z.object({
  /** The install's id, so support can find earlier cases of the same install. */
  'x-trayside-install': z.string().min(1).max(200).optional(),
  /** An idempotency key: a retried upload of the same bundle answers the same case instead of a second one. */
  'idempotency-key': z.string().min(8).max(200).optional(),
});
export type UploadHeaders = z.infer<typeof UploadHeadersSchema>;

export const CaseCodeSchema = z.string().regex(CASE_CODE_PATTERN, 'a case code like K7QM-42XD-9');

export const UploadResponseSchema = z.object({
  caseCode: CaseCodeSchema,
  /** Epoch ms when the server deletes the bundle by itself (retention). */
  expiresAt: z.number().int().min(0),
  /** Secret for DELETE; kept by the app, never shown to support. */
  deleteToken: z.string().min(16).max(200),
});
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

/** The server's error body, as everywhere in server/. */
export const ApiErrorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
