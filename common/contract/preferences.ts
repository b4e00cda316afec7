import { z } from 'zod';
import {
  ConsentSchema,
  FrequencyLimitSchema,
  MessageCategoryChoicesSchema,
  QuietHoursSchema,
  SupplyThresholdSchema,
  type Consent,
} from '../settings.js';
import { SupplyKindSchema, SupplyRoleSchema } from '../supply.js';
import { call, event } from './define.js';

/**
 * What each consent level sends: the same rows as the table in docs/privacy.md, which the
 * wire-capture test checks against a recording of the real traffic
 * (test/integration/privacy/wire-capture.test.ts), and core/preferences/consent-coverage.test.ts
 * checks this list against that table. The panel's words come from here, so the page, the docs
 * and the wire cannot tell three different stories.
 */
export const CONSENT_COVERAGE = [
  {
    request: 'GET /v1/manifests/{productLine}/{locale}',
    levels: ['none', 'anonymous-usage', 'support-sharing'],
    purpose: "Fetches the manufacturer's messages for your product and language.",
    note: 'At "Nothing" this is the same request every install makes, without the install header.',
    fields: ['x-trayside-install'],
  },
  {
    request: 'POST /v1/installs',
    levels: ['anonymous-usage', 'support-sharing'],
    purpose: "Registers this install's credential, once.",
    note: null,
    fields: ['authorization', 'x-trayside-install', 'installId'],
  },
  {
    request: 'POST /v1/events',
    levels: ['anonymous-usage', 'support-sharing'],
    purpose:
      'Usage events: which messages were shown, opened, dismissed, snoozed or clicked, reorders started from them, and feedback you give.',
    note: null,
    fields: [
      'authorization',
      'x-trayside-install',
      'installId',
      'consent',
      'sentAt',
      'events',
      'id',
      'type',
      'at',
      'campaignId',
      'variantId',
      'messageId',
      'action',
      'host',
      'hours',
      'items',
      'region',
      'ref',
      'feedback',
    ],
  },
  {
    request: 'GET /v1/segments/{installId}',
    levels: ['anonymous-usage', 'support-sharing'],
    purpose: 'Asks which customer groups this install is in, to pick messages.',
    note: null,
    fields: ['authorization', 'x-trayside-install'],
  },
  {
    request: 'POST /v1/privacy/{installId}/deletions',
    levels: ['none', 'anonymous-usage', 'support-sharing'],
    purpose: 'Deletes your data on the server.',
    note: 'Only when you ask, or withdraw consent after sharing.',
    fields: ['authorization', 'x-trayside-install', 'requestId', 'scopes'],
  },
  {
    request: 'POST /v1/privacy/{installId}/exports',
    levels: ['none', 'anonymous-usage', 'support-sharing'],
    purpose: 'Exports your data.',
    note: 'Only when you ask.',
    fields: ['authorization', 'x-trayside-install', 'requestId', 'scopes'],
  },
  {
    request: 'GET /v1/privacy/{installId}/requests/{requestId}',
    levels: ['none', 'anonymous-usage', 'support-sharing'],
    purpose: 'Checks on a request you made.',
    note: 'Only while an export or deletion you asked for is pending.',
    fields: ['authorization', 'x-trayside-install'],
  },
] as const satisfies readonly {
  request: string;
  levels: readonly Consent[];
  purpose: string;
  note: string | null;
  fields: readonly string[];
}[];

/** The version of the consent wording the owner saw; raise it whenever CONSENT_LEVEL_WORDS or CONSENT_COVERAGE changes. */
export const CONSENT_WORDING_VERSION = 1;

/** Each level in plain words. */
export const CONSENT_LEVEL_WORDS: Record<Consent, { title: string; summary: string }> = {
  none: {
    title: 'Nothing',
    summary:
      'Nothing that identifies this computer is sent. Trayside still fetches messages for your product, the same request every install makes.',
  },
  'anonymous-usage': {
    title: 'Anonymous usage',
    summary: 'Also which messages you saw and what you did with them, under a random install id that is not linked to your name.',
  },
  'support-sharing': {
    title: 'Support sharing',
    summary: 'Also lets you send a diagnostics report to support from Get help, after you have reviewed it.',
  },
};

/** Where a shown value comes from; a locked control names it. */
export const PreferenceSourceSchema = z.enum(['policy', 'owner', 'recommended', 'default', 'always-on']);
export type PreferenceSource = z.infer<typeof PreferenceSourceSchema>;

/** The words a control shows for its source. */
export const SOURCE_WORDS: Record<PreferenceSource, string> = {
  policy: "Set by your organisation's policy",
  owner: 'Your choice',
  recommended: "Recommended by your organisation's policy",
  default: "The manufacturer's default",
  'always-on': 'Always on',
};

const CategorySchema = MessageCategoryChoicesSchema.keyof();
export type MessageCategory = z.infer<typeof CategorySchema>;

/** One entry of the consent ledger: append-only on disk. */
export const ConsentLedgerEntrySchema = z.object({
  at: z.number().int(),
  level: ConsentSchema,
  wordingVersion: z.number().int().min(1),
  locale: z.string().min(2).max(35),
  /** How it came about: the owner in the panel, or anything else that set the level (tray, a recovery). */
  how: z.enum(['panel', 'other']),
});
export type ConsentLedgerEntry = z.infer<typeof ConsentLedgerEntrySchema>;

export const PreferencesViewSchema = z.object({
  consent: z.object({
    /** The level in force (after the policy). */
    level: ConsentSchema,
    /** The owner's own choice (what they get back when a policy is lifted). */
    chosen: ConsentSchema,
    source: PreferenceSourceSchema,
    /** The highest level the policy allows; null when none is set. */
    ceiling: ConsentSchema.nullable(),
  }),
  categories: z.array(
    z.object({
      category: CategorySchema,
      on: z.boolean(),
      /** Marketing (tips, offers, surveys) is off until the owner opts in. */
      marketing: z.boolean(),
      locked: z.boolean(),
      source: PreferenceSourceSchema,
    }),
  ),
  /**
   * Reorder buttons and store links (settings.storeLinks): a purpose of its own, not a message
   * category; on by default. Off, the panel shows no Order button or store link and the core opens none.
   */
  storeLinks: z.object({ on: z.boolean(), locked: z.boolean(), source: PreferenceSourceSchema }),
  quietHours: QuietHoursSchema.nullable(),
  frequencyLimit: FrequencyLimitSchema.nullable(),
  /** One row per kind/colour of supply seen on the attached devices, with the mark a low-supply alert fires at. */
  supplyThresholds: z.array(
    z.object({
      kind: SupplyKindSchema,
      /** Lower-case colour name; null for a supply without one. */
      color: z.string().min(1).max(40).nullable(),
      /** The device's words for it ("Cyan ink"). */
      name: z.string().min(1).max(120),
      /** A consumable alerts at or below the mark left; a receptacle at or above the mark full. */
      role: SupplyRoleSchema,
      deviceThreshold: z.number().min(0).max(100),
      /** The owner's mark; null follows the device's. */
      percent: z.number().int().min(1).max(99).nullable(),
    }),
  ),
  /** Newest first. */
  ledger: z.array(ConsentLedgerEntrySchema),
});
export type PreferencesView = z.infer<typeof PreferencesViewSchema>;

export const PreferencesChangeSchema = z.strictObject({
  consent: ConsentSchema.optional(),
  category: z.strictObject({ category: CategorySchema, on: z.boolean() }).optional(),
  storeLinks: z.boolean().optional(),
  quietHours: QuietHoursSchema.nullable().optional(),
  frequencyLimit: FrequencyLimitSchema.nullable().optional(),
  /** The owner's mark for one kind/colour of supply; `percent` null goes back to the device's. */
  supplyThreshold: SupplyThresholdSchema.extend({ percent: SupplyThresholdSchema.shape.percent.nullable() }).strict().optional(),
  /** The locale the owner read the consent wording in (for the ledger). */
  locale: z.string().min(2).max(35).optional(),
});
export type PreferencesChange = z.infer<typeof PreferencesChangeSchema>;

/** One request body, as queued or as sent. */
export const SentPayloadSchema = z.object({
  /** Epoch ms: when it was queued, or when it was sent. */
  at: z.number().int(),
  /** Method and URL. */
  destination: z.string(),
  /** HTTP status of the answer; null while queued, or when no answer came. */
  status: z.number().int().nullable(),
  /** The exact body, as JSON text; null for a request without one. */
  body: z.string().nullable(),
});
export type SentPayload = z.infer<typeof SentPayloadSchema>;

export const TransparencySchema = z.object({
  /** Events waiting on this machine for the next upload (written in this run). */
  queued: z.array(SentPayloadSchema),
  /** The last requests sent to the manufacturer's backend, newest first. */
  sent: z.array(SentPayloadSchema),
});
export type Transparency = z.infer<typeof TransparencySchema>;

/** The preference center and "What Trayside sends". */
export const preferencesFeature = {
  getView: call({
    input: z.void(),
    output: PreferencesViewSchema,
    summary:
      'Consent, message categories and reorder buttons/store links with what locks them, quiet hours, the frequency limit, low-supply alert marks and the consent ledger.',
  }),
  update: call({
    input: PreferencesChangeSchema,
    output: PreferencesViewSchema,
    summary: 'Changes what it names at once (saved); a consent change is written to the consent ledger.',
  }),
  getTransparency: call({
    input: z.void(),
    output: TransparencySchema,
    summary: 'The exact payloads queued and the last ones sent, with times and where to.',
  }),
  onChanged: event({ payload: PreferencesViewSchema, summary: 'A preference or the consent ledger changed.' }),
};
