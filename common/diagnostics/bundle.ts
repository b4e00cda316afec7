import { z } from 'zod';
import { BUNDLE_LIMITS } from './limits.js';

/**
 * The diagnostics bundle: what an owner reviews, exports or uploads, and what support opens.
 * One shape for both sides (the owner's app writes it, server/ stores and shows it), versioned
 * so a newer app never breaks an older support view silently: the view checks `format` first.
 *
 * Everything in it has already been through redaction (core/diagnostics/redact.ts): values of a
 * removed kind appear only as typed, numbered placeholders (`<serial-1>`, `<user-1>`, …), and the
 * same value always becomes the same placeholder, so entries still correlate.
 */

export const BUNDLE_FORMAT = 'trayside-diagnostics' as const;
export const BUNDLE_VERSION = 1 as const;

export { BUNDLE_LIMITS };

/** Kinds of personal or identifying data redaction knows. Each is kept or removed as the owner chose. */
export const RedactionKindSchema = z.enum([
  'serial',
  'user',
  'host',
  'ipv4',
  'ipv6',
  'mac',
  'email',
  'printer-uri',
  'job-title',
  'queue',
  'share',
]);
export type RedactionKind = z.infer<typeof RedactionKindSchema>;

/** One line of the redaction summary: how many distinct values of a kind were found, and what became of them. */
export const RedactionSummaryEntrySchema = z.object({
  kind: RedactionKindSchema,
  /** Distinct values found (a value seen twice counts once; it shares one placeholder). */
  count: z.number().int().min(0),
  action: z.enum(['kept', 'removed']),
});
export type RedactionSummaryEntry = z.infer<typeof RedactionSummaryEntrySchema>;

const Text = (max: number) => z.string().max(max);
const EpochMs = z.number().int().min(0);

/** Who a device is, as read: the identity the monitor has plus the raw identity sources. */
export const BundleDeviceSchema = z.object({
  id: Text(200),
  transport: z.enum(['simulated', 'usb-printer', 'hid', 'ipp']),
  manufacturer: Text(200),
  model: Text(200),
  serial: Text(200).optional(),
  firmware: Text(200).optional(),
  vendorId: z.number().int().min(0).max(0xffff).optional(),
  productId: z.number().int().min(0).max(0xffff).optional(),
  /** IEEE 1284 device ID, field by field (MFG, MDL, CMD, SN, …), as the printer sent them. */
  ieee1284: z.record(Text(64), Text(1000)).optional(),
  /** HID report descriptor summary: usage page/usage of the application collection and report counts. */
  hid: z
    .object({
      usagePage: z.number().int().min(0).max(0xffff).optional(),
      usage: z.number().int().min(0).max(0xffff).optional(),
      reports: z.object({ input: z.number().int().min(0), output: z.number().int().min(0), feature: z.number().int().min(0) }).optional(),
      usages: z.array(Text(100)).max(256).default([]),
    })
    .optional(),
  /** IPP printer attributes as read (printer-uri-supported, printer-make-and-model, …), values as text. */
  ipp: z
    .record(
      Text(BUNDLE_LIMITS.maxIppNameChars),
      z.union([Text(BUNDLE_LIMITS.maxIppValueChars), z.array(Text(BUNDLE_LIMITS.maxIppValueChars)).max(BUNDLE_LIMITS.maxIppValues)]),
    )
    .optional(),
  /** The state the monitor showed at capture time. */
  state: z.enum(['ok', 'attention', 'error', 'unreachable']),
  statusLine: Text(300),
  facts: z.record(Text(64), Text(200)).default({}),
  stale: z.boolean(),
  updatedAt: EpochMs.nullable(),
});
export type BundleDevice = z.infer<typeof BundleDeviceSchema>;

/** A supply's level history (last 30 days) and its run-out forecast. */
export const BundleSupplyHistorySchema = z.object({
  deviceId: Text(200),
  supplyId: Text(200),
  name: Text(200),
  kind: Text(64),
  /** [epoch ms, remaining percent] pairs, oldest first. */
  samples: z.array(z.tuple([EpochMs, z.number().min(0).max(100)])).max(BUNDLE_LIMITS.maxHistorySamples),
  /** Level at capture time, percent, when known. */
  remaining: z.number().min(0).max(100).optional(),
  /** Forecast days left at capture time; absent when there is no forecast. */
  daysLeft: z.number().min(0).optional(),
});
export type BundleSupplyHistory = z.infer<typeof BundleSupplyHistorySchema>;

/** A state change of a device: when it entered a state and which conditions it had. */
export const BundleStatusChangeSchema = z.object({
  at: EpochMs,
  deviceId: Text(200),
  state: z.enum(['ok', 'attention', 'error', 'unreachable']),
  statusLine: Text(300),
});
export type BundleStatusChange = z.infer<typeof BundleStatusChangeSchema>;

/** A device error or warning condition, with when it was first seen and (when it cleared) until when. */
export const BundleDeviceErrorSchema = z.object({
  deviceId: Text(200),
  code: Text(64),
  severity: z.enum(['info', 'warning', 'error']),
  message: Text(300),
  since: EpochMs,
  until: EpochMs.optional(),
});
export type BundleDeviceError = z.infer<typeof BundleDeviceErrorSchema>;

/** A message the owner was shown, and what they did with it. */
export const BundleMessageSchema = z.object({
  messageId: Text(200),
  title: Text(500),
  shownAt: EpochMs.optional(),
  /** What the owner did: opened, dismissed, clicked an action, snoozed, … with when. */
  actions: z
    .array(z.object({ at: EpochMs, action: Text(100), detail: Text(500).optional() }))
    .max(200)
    .default([]),
});
export type BundleMessage = z.infer<typeof BundleMessageSchema>;

/** An event from the app's own event record (owner actions, device events) in time order. */
export const BundleEventSchema = z.object({
  at: EpochMs,
  type: Text(100),
  detail: Text(2000).optional(),
});
export type BundleEvent = z.infer<typeof BundleEventSchema>;

export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** One log line. `source` is the part of the app that wrote it (devices, messages, host, …). */
export const BundleLogEntrySchema = z.object({
  time: EpochMs,
  level: LogLevelSchema,
  source: Text(100),
  message: Text(10_000),
});
export type BundleLogEntry = z.infer<typeof BundleLogEntrySchema>;

/** Something the capture did not include, and why (too old, too large, a secret, not available). */
export const LeftOutSchema = z.object({
  what: Text(300),
  reason: Text(500),
});
export type LeftOut = z.infer<typeof LeftOutSchema>;

/** Settings as JSON values, secrets replaced by the literal "<secret>" and listed in leftOut. */
export const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string().max(10_000),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema).max(1000),
    z.record(z.string().max(200), JsonValueSchema),
  ]),
);

export const DiagnosticsBundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  capturedAt: EpochMs,
  app: z.object({
    name: Text(100),
    version: Text(100),
    host: z.enum(['electron', 'node']),
    branding: Text(200).optional(),
  }),
  os: z.object({
    platform: Text(50),
    release: Text(200),
    arch: Text(50),
    node: Text(50).optional(),
    electron: Text(50).optional(),
    locale: Text(50).optional(),
  }),
  devices: z.array(BundleDeviceSchema).max(BUNDLE_LIMITS.maxDevices),
  history: z.object({
    /** The window the history covers; 30 days before capture by default. */
    from: EpochMs,
    to: EpochMs,
    statusChanges: z.array(BundleStatusChangeSchema).max(BUNDLE_LIMITS.maxEvents),
    supplies: z.array(BundleSupplyHistorySchema).max(1000),
  }),
  errors: z.array(BundleDeviceErrorSchema).max(BUNDLE_LIMITS.maxEvents),
  messages: z.array(BundleMessageSchema).max(1000),
  events: z.array(BundleEventSchema).max(BUNDLE_LIMITS.maxEvents),
  settings: z.record(z.string().max(200), JsonValueSchema),
  logs: z.array(BundleLogEntrySchema).max(BUNDLE_LIMITS.maxLogEntries),
  /** When the owner used "Record while I reproduce the problem": the window support should look at. */
  repro: z.object({ start: EpochMs, end: EpochMs }).nullable(),
  redaction: z.array(RedactionSummaryEntrySchema),
  leftOut: z.array(LeftOutSchema).max(1000),
});
export type DiagnosticsBundle = z.infer<typeof DiagnosticsBundleSchema>;

/** Parses bundle JSON text; the error says which field is wrong, for a clear 4xx or message. */
export function parseBundle(text: string): { ok: true; bundle: DiagnosticsBundle } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  if (
    typeof raw === 'object' &&
    raw !== null &&
    (raw as { format?: unknown }).format === BUNDLE_FORMAT &&
    (raw as { version?: unknown }).version !== BUNDLE_VERSION
  ) {
    return {
      ok: false,
      problem: `bundle version ${String((raw as { version?: unknown }).version)} is not supported (expected ${BUNDLE_VERSION})`,
    };
  }
  const parsed = DiagnosticsBundleSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}` };
  }
  return { ok: true, bundle: parsed.data };
}
