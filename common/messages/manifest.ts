import { z } from 'zod';
import { LocaleTagSchema, LocalizedContentSchema } from './content.js';
import {
  CampaignGoalSchema,
  CapsSchema,
  MessageCategorySchema,
  MessageGroupSchema,
  ScheduleSchema,
  SlugSchema,
  TriggerSchema,
  UrgencySchema,
} from './campaign.js';
import { RuleSchema } from './rule.js';
import { MAX_MANIFEST_GUIDES, ManifestGuideSchema, parseGuides, type SkippedGuide } from './manifest-guide.js';
import { MessageIdSchema } from './vocabulary.js';

export { MessageIdSchema } from './vocabulary.js';

/**
 * What a device downloads: GET /v1/manifests/{productLine}/{locale} answers a SignedEnvelope
 * whose payload is a Manifest.
 *
 * Client checks, in order (DESIGN.md, Messages):
 * 1. parse the HTTP body with SignedEnvelopeSchema; `keyId` must be one the branding config pins;
 * 2. verify `signature` (Ed25519) over the UTF-8 bytes of the `payload` string exactly as received;
 * 3. only then JSON.parse(payload) and parse it with ManifestHeaderSchema (or parseManifest);
 * 4. reject it when `format` is unknown, the segment is not the one asked for, `expiresAt` has
 *    passed, or `version` is lower than the cached manifest's. An equal version with a later
 *    `issuedAt` is a re-signed copy of the same content and replaces the cached one.
 *
 * Why the payload is a string inside the envelope instead of signed JSON fields: verifying a
 * re-serialised object is fragile — key order, number formatting (1e21, -0), Unicode escapes and
 * whitespace differ between serialisers, so a client would have to reproduce the server's bytes
 * exactly. Signing the exact string the client holds avoids canonicalisation altogether.
 */

/** Magic in every manifest payload; a verifier refuses other formats, so a signature over some other payload type cannot pass as a manifest. */
export const MANIFEST_FORMAT = 'trayside.manifest.v1';
/** Magic of the signed envelope. */
export const SIGNED_ENVELOPE_FORMAT = 'trayside.signed.v1';

/** Upper bound on a payload the app accepts (50 campaigns in several variants are ~100 kB). */
export const MAX_MANIFEST_PAYLOAD_CHARS = 4_000_000;

/** The signed wrapper that travels over HTTP (and through CDNs) and is cached on disk as received. */
export const SignedEnvelopeSchema = z.object({
  format: z.literal(SIGNED_ENVELOPE_FORMAT),
  algorithm: z.literal('Ed25519'),
  /** Which key signed: first 16 hex digits of SHA-256 over the raw 32-byte public key. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Base64 (standard alphabet, padded) of the 64-byte Ed25519 signature over UTF-8(payload). */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
  /** The manifest as a JSON text: verify these exact characters, then JSON.parse them. */
  payload: z.string().max(MAX_MANIFEST_PAYLOAD_CHARS),
});
export type SignedEnvelope = z.infer<typeof SignedEnvelopeSchema>;

/** The coarse segment a manifest serves: one product line in one locale. */
export const ManifestSegmentSchema = z.object({
  productLine: SlugSchema,
  locale: LocaleTagSchema,
});
export type ManifestSegment = z.infer<typeof ManifestSegmentSchema>;

/** One variant with its content already resolved for the manifest's locale. */
export const ManifestVariantSchema = z.object({
  id: SlugSchema,
  weight: z.number().int().min(0),
  /** The locale the content is written in: the manifest's locale, its language, or the campaign's default. */
  locale: LocaleTagSchema,
  content: LocalizedContentSchema,
});
export type ManifestVariant = z.infer<typeof ManifestVariantSchema>;

/** A candidate message; the app decides on the device whether and when to show it. */
export const ManifestMessageSchema = z.object({
  id: MessageIdSchema,
  /** Caps, snoozes and dismissals are kept per campaign, so a republished revision does not reset them. */
  campaignId: SlugSchema,
  revision: z.number().int().min(1),
  category: MessageCategorySchema,
  priority: z.number().int().min(0),
  urgency: UrgencySchema,
  schedule: ScheduleSchema,
  /** ISO 3166-1 alpha-2 regions the owner must be in; empty means any region. */
  regions: z.array(z.string()),
  /** json-logic rule over RuleContext (common/messages/rule-context.ts); data only. */
  rule: RuleSchema,
  triggers: z.array(TriggerSchema).min(1),
  caps: CapsSchema,
  variants: z.array(ManifestVariantSchema).min(1),
  /** The campaign's control group share (core/roi/holdout.ts); absent = no control group. */
  controlShare: z.number().min(0).max(0.5).optional(),
  /** The group whose caps it shares (campaign.ts MessageGroupSchema); absent = none. */
  group: MessageGroupSchema.optional(),
  /** When it stops on an install before its caps (campaign.ts CampaignGoalSchema); absent = none. */
  goal: CampaignGoalSchema.optional(),
});
export type ManifestMessage = z.infer<typeof ManifestMessageSchema>;

/** The global holdout as the server publishes it. */
export const HoldoutSchema = z.object({
  salt: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'A holdout salt is 8–64 letters, digits, "_" or "-".'),
  share: z.number().min(0).max(0.5),
});
export type Holdout = z.infer<typeof HoldoutSchema>;

/** Everything in a manifest except the messages, parsed strictly. */
export const ManifestHeaderSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  segment: ManifestSegmentSchema,
  /** Increases with every publish or archive anywhere; never goes down. */
  version: z.number().int().min(0),
  /** ISO 8601 UTC. */
  issuedAt: z.iso.datetime(),
  /** ISO 8601 UTC; after it the app stops showing these messages until it gets a fresh manifest. */
  expiresAt: z.iso.datetime(),
  /** How often the server would like to be asked (the app adds jitter and backs off on failure). */
  pollIntervalSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600),
  /** The global holdout: installs whose salted hash falls under `share` see no campaign (core/roi/holdout.ts). Signed, so every node and poll agree. */
  holdout: HoldoutSchema.optional(),
});

/** A whole manifest, every message valid. */
export const ManifestSchema = ManifestHeaderSchema.extend({
  /** Highest priority first, then by campaign id. */
  messages: z.array(ManifestMessageSchema).max(1000),
  /** The OEM's help guides for this segment (guide.ts); absent when there are none, so a manifest without guides is what it always was. */
  guides: z.array(ManifestGuideSchema).max(MAX_MANIFEST_GUIDES).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A message the app skipped because it did not parse (e.g. a trigger type from a newer server). */
export interface SkippedMessage {
  index: number;
  id: string | undefined;
  problem: string;
}

/**
 * Parses a verified payload object leniently: the header must be valid, each message is parsed on
 * its own so one message from a newer server does not throw away the rest.
 */
export function parseManifest(payload: unknown): { manifest: Manifest; skipped: SkippedMessage[]; skippedGuides: SkippedGuide[] } {
  const header = ManifestHeaderSchema.parse(payload);
  const rawMessages = (payload as { messages?: unknown }).messages;
  if (!Array.isArray(rawMessages)) throw new Error('Manifest has no "messages" array.');
  const messages: ManifestMessage[] = [];
  const skipped: SkippedMessage[] = [];
  rawMessages.slice(0, 1000).forEach((raw, index) => {
    const result = ManifestMessageSchema.safeParse(raw);
    if (result.success) messages.push(result.data);
    else {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : undefined;
      skipped.push({ index, id, problem: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
    }
  });
  const { guides, skipped: skippedGuides } = parseGuides((payload as { guides?: unknown }).guides);
  return { manifest: { ...header, messages, ...(guides.length > 0 ? { guides } : {}) }, skipped, skippedGuides };
}
