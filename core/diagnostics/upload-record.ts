import { z } from 'zod';
import { CASE_CODE_PATTERN } from '../../common/diagnostics/case-code.js';
import type { UploadView } from '../../common/contract/diagnostics.js';

/** What is kept on disk per upload (`<id>.json`); parsed with this schema when read back. */
export const UploadRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/),
  createdAt: z.number().int().min(0),
  bytes: z.number().int().min(0),
  idempotencyKey: z.string().min(8).max(200),
  state: z.enum(['queued', 'sent', 'failed']),
  attempts: z.number().int().min(0),
  problem: z.string().nullable(),
  nextAttemptAt: z.number().int().nullable(),
  caseCode: z.string().regex(CASE_CODE_PATTERN).nullable(),
  deleteToken: z.string().nullable(),
  expiresAt: z.number().int().nullable(),
});
export type UploadRecord = z.infer<typeof UploadRecordSchema>;

/** The case code in its groups, as the panel shows it for reading out over the phone. */
export function groupCaseCode(code: string | null): string[] {
  return code === null ? [] : code.split('-');
}

/** A new upload of `bytes` bytes, due at once. */
export function newUploadRecord(id: string, bytes: number, idempotencyKey: string, now: number): UploadRecord {
  return {
    id,
    createdAt: now,
    bytes,
    idempotencyKey,
    state: 'queued',
    attempts: 0,
    problem: null,
    nextAttemptAt: now,
    caseCode: null,
    deleteToken: null,
    expiresAt: null,
  };
}

/** The panel's view of one upload; `sending` and `progress` are the queue's in-memory state, never stored. */
export function uploadView(record: UploadRecord, sending: boolean, progress: number | undefined): UploadView {
  return {
    id: record.id,
    createdAt: record.createdAt,
    state: sending ? 'sending' : record.state,
    progress: record.state === 'sent' ? 1 : (progress ?? 0),
    bytes: record.bytes,
    attempts: record.attempts,
    problem: record.problem,
    nextAttemptAt: record.state === 'queued' ? record.nextAttemptAt : null,
    caseCode: record.caseCode,
    caseCodeGroups: groupCaseCode(record.caseCode),
    expiresAt: record.expiresAt,
  };
}
