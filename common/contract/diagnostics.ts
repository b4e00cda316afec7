import { z } from 'zod';
import { LeftOutSchema, RedactionKindSchema } from '../diagnostics/bundle.js';
import { CaseCodeSchema } from '../diagnostics/api.js';
import { LinkResultSchema } from './actions.js';
import { call, event } from './define.js';

/** Keep or remove one kind of personal data in the bundle. */
export const RedactionChoiceSchema = z.enum(['keep', 'remove']);
export type RedactionChoice = z.infer<typeof RedactionChoiceSchema>;

/** One kind of personal data in the current capture: how many distinct values, and the owner's choice. */
export const RedactionKindViewSchema = z.object({
  kind: RedactionKindSchema,
  label: z.string(),
  count: z.number().int().min(0),
  choice: RedactionChoiceSchema,
});
export type RedactionKindView = z.infer<typeof RedactionKindViewSchema>;

/** A capture as the owner reviews it; `text` is byte for byte what an export writes and an upload sends. */
export const DiagnosticsPreviewSchema = z.object({
  /** Names this exact text: export and upload take it, so nothing but what was reviewed can leave. */
  id: z.string().min(8).max(128),
  capturedAt: z.number().int().min(0),
  text: z.string(),
  /** UTF-8 bytes of `text`, and what an upload sends after gzip. */
  bytes: z.number().int().min(0),
  compressedBytes: z.number().int().min(0),
  limitBytes: z.number().int().min(0),
  kinds: z.array(RedactionKindViewSchema),
  leftOut: z.array(LeftOutSchema),
});
export type DiagnosticsPreview = z.infer<typeof DiagnosticsPreviewSchema>;

/** One upload: waiting (offline, or a retry is due), on its way, sent with its case code, or refused. */
export const UploadViewSchema = z.object({
  id: z.string().min(1).max(100),
  createdAt: z.number().int().min(0),
  state: z.enum(['queued', 'sending', 'sent', 'failed']),
  /** 0..1 of the bytes handed to the network while sending. */
  progress: z.number().min(0).max(1),
  bytes: z.number().int().min(0),
  attempts: z.number().int().min(0),
  /** Why the last try did not get through (queued: it will be tried again; failed: it will not). */
  problem: z.string().nullable(),
  nextAttemptAt: z.number().int().nullable(),
  caseCode: CaseCodeSchema.nullable(),
  /** The case code in the groups a person reads aloud: ["K7QM", "42XD", "9"]. */
  caseCodeGroups: z.array(z.string()).max(3),
  expiresAt: z.number().int().nullable(),
});
export type UploadView = z.infer<typeof UploadViewSchema>;

/** "Record while I reproduce the problem": raised log detail until `endsAt`, reverting by itself. */
export const ReproViewSchema = z.object({
  active: z.boolean(),
  startedAt: z.number().int().nullable(),
  /** When the raised detail ends (active) or ended (the last window, for the bundle). */
  endsAt: z.number().int().nullable(),
  /** Minutes a recording lasts. */
  minutes: z.number().int().min(1),
  /** False where the host has no log level to raise (then only the window is marked). */
  raisesLogDetail: z.boolean(),
});
export type ReproView = z.infer<typeof ReproViewSchema>;

export const DiagnosticsStateSchema = z.object({
  /** The branding's support page, when it has one. */
  supportUrl: z.string().nullable(),
  /** Where uploads go; null when the branding has no backend (export still works). */
  uploadTo: z.string().nullable(),
  /** True when the owner's consent is "support sharing": uploads need no extra yes. */
  supportSharing: z.boolean(),
  uploads: z.array(UploadViewSchema),
  repro: ReproViewSchema,
});
export type DiagnosticsState = z.infer<typeof DiagnosticsStateSchema>;

const PreviewIdSchema = z.string().min(8).max(128);

/** Diagnostics for support: capture, review, keep/remove choices, export, upload, delete, repro mode. */
export const diagnosticsFeature = {
  getState: call({ input: z.void(), output: DiagnosticsStateSchema, summary: 'Support page, uploads with their case codes, repro mode.' }),
  capture: call({
    input: z.void(),
    output: DiagnosticsPreviewSchema,
    summary:
      'Captures a bundle now (devices, history, errors, messages, settings, logs) and answers the exact text with the current redaction choices.',
  }),
  setRedaction: call({
    input: z.strictObject({ kind: RedactionKindSchema, choice: RedactionChoiceSchema }),
    output: DiagnosticsPreviewSchema,
    summary: 'Keeps or removes one kind of personal data and answers the rebuilt bundle (no new capture).',
  }),
  exportBundle: call({
    input: z.strictObject({ previewId: PreviewIdSchema }),
    output: z.discriminatedUnion('status', [
      z.object({ status: z.literal('saved'), path: z.string() }),
      z.object({ status: z.literal('cancelled') }),
    ]),
    summary: 'Writes the reviewed bundle to a file (the Node host: the downloads or data folder; Electron: a save dialog) and says where.',
  }),
  upload: call({
    input: z.strictObject({ previewId: PreviewIdSchema, confirmThisUpload: z.boolean().default(false) }),
    output: UploadViewSchema,
    summary:
      'Queues the reviewed bundle for support (on disk first, so offline it waits) and starts sending; needs support-sharing consent or confirmThisUpload.',
  }),
  retryUpload: call({
    input: z.strictObject({ id: z.string().min(1).max(100) }),
    output: UploadViewSchema,
    summary: 'Tries a waiting or refused upload again now.',
  }),
  discardUpload: call({
    input: z.strictObject({ id: z.string().min(1).max(100) }),
    output: z.void(),
    summary: 'Drops an upload that has not been sent.',
  }),
  deleteUpload: call({
    input: z.strictObject({ caseCode: z.string().min(1).max(40) }),
    output: z.object({ status: z.enum(['deleted', 'already-gone']) }),
    summary: 'Deletes an uploaded bundle from the backend by its case code (with the delete token kept when it was sent).',
  }),
  startRepro: call({
    input: z.void(),
    output: ReproViewSchema,
    summary: 'Raises log detail for a bounded time; it reverts by itself, also after a restart.',
  }),
  stopRepro: call({ input: z.void(), output: ReproViewSchema, summary: 'Ends the recording now.' }),
  openSupport: call({ input: z.void(), output: LinkResultSchema, summary: "Opens the branding's support page in the browser." }),
  onChanged: event({
    payload: DiagnosticsStateSchema,
    summary: 'An upload moved on (progress, case code, retry), or repro mode started or ended.',
  }),
  onHelpRequested: event({
    payload: z.object({}),
    summary: 'The owner chose Get help outside the panel (the tray menu): the panel opens its help view.',
  }),
};
