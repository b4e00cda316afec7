import { z } from 'zod';
import { BackendUrlSchema } from './branding.js';
import { ConsentSchema, type Consent, type MessageCategoryChoices } from './settings.js';
import { UpdateChannelSchema } from './updates.js';

/**
 * The one enterprise policy schema. Every reader (Windows registry, macOS managed preferences,
 * Linux /etc/<product>/policy.json), the merge with the owner's settings and the generated
 * ADMX/ADML and .mobileconfig templates (scripts/generate-policy-templates.ts) come from the
 * table below, so a key cannot exist in one and not in the others.
 *
 * Keys are flat, PascalCase names as registry values and plist keys are written by admins.
 * Each value has one of four kinds, which is also how a registry value of it is read:
 * `boolean` (REG_DWORD 0/1), `number` (REG_DWORD), `enum` and `string` (REG_SZ).
 */

/** A key of the table: its schema, its kind, and the words the templates show admins. */
export interface PolicyKeySpec {
  schema: z.ZodType;
  kind: 'boolean' | 'number' | 'enum' | 'string';
  /** For `enum`: the allowed values, in order. */
  values?: readonly string[];
  /** For `number`: bounds, shown in the templates. */
  min?: number;
  max?: number;
  title: string;
  description: string;
  /** ADMX category. */
  category: 'Privacy' | 'Messages' | 'Store' | 'Updates' | 'Backend';
}

const categoryKey = (name: string, description: string): PolicyKeySpec => ({
  schema: z.boolean(),
  kind: 'boolean',
  title: `Messages: ${name}`,
  description,
  category: 'Messages',
});

export const POLICY_KEYS = {
  ConsentCeiling: {
    schema: ConsentSchema,
    kind: 'enum',
    values: ConsentSchema.options,
    title: 'Highest consent level the owner may choose',
    description:
      'The most the app may send, whatever the owner chooses: "none" sends nothing that identifies the install, "anonymous-usage" allows engagement events, "support-sharing" also allows diagnostics uploads. A lower choice of the owner still wins.',
    category: 'Privacy',
  },
  MessageCategorySupplies: categoryKey('supplies', 'Supply alerts and reorder offers for the attached devices (on or off).'),
  MessageCategoryService: categoryKey(
    'service',
    'Service notices about the attached devices (on or off). Safety recalls and empty supplies are always shown.',
  ),
  MessageCategoryTips: categoryKey('tips', 'Tips about using the devices (on or off).'),
  MessageCategoryOffers: categoryKey('offers', 'Marketing offers (on or off).'),
  MessageCategorySurveys: categoryKey('surveys', 'Surveys and feedback requests (on or off).'),
  StoreLinks: {
    schema: z.boolean(),
    kind: 'boolean',
    title: 'Reorder buttons and store links',
    description:
      "On: the app shows Order buttons on low supplies and the manufacturer's reorder and store links in messages. Off: none are shown and the app opens no store page. Supply alerts are not affected.",
    category: 'Store',
  },
  UpdatesEnabled: {
    schema: z.boolean(),
    kind: 'boolean',
    title: 'Automatic updates',
    description: 'Off: the app never looks for, downloads or installs updates (IT ships versions itself).',
    category: 'Updates',
  },
  UpdateChannel: {
    schema: UpdateChannelSchema,
    kind: 'enum',
    values: UpdateChannelSchema.options,
    title: 'Update channel',
    description: 'The release channel the app follows.',
    category: 'Updates',
  },
  UpdateFeedUrl: {
    schema: BackendUrlSchema,
    kind: 'string',
    title: 'Update feed URL',
    description: "An internal mirror of the manufacturer's update feed (https). The manufacturer's keys must have signed what it serves.",
    category: 'Updates',
  },
  UpdateVersionPin: {
    schema: z
      .string()
      .max(64)
      .regex(/^(0|[1-9]\d*)(\.(0|[1-9]\d*)){0,2}(-[0-9A-Za-z.-]+)?$/, 'Pin a version line such as "1", "1.4" or an exact version "1.4.2".'),
    kind: 'string',
    title: 'Stay on a version line',
    description: '"1.4" takes 1.4.x only, "1.4.2" exactly that version. A pin never causes a downgrade.',
    category: 'Updates',
  },
  UpdateDeferDays: {
    schema: z.number().int().min(0).max(365),
    kind: 'number',
    min: 0,
    max: 365,
    title: 'Defer updates (days)',
    description: 'Install a release only this many days after it was published.',
    category: 'Updates',
  },
  BackendUrl: {
    schema: BackendUrlSchema,
    kind: 'string',
    title: 'Message server URL',
    description:
      "The manufacturer's backend for messages and events (https), e.g. an internal relay. Manifests must still carry the manufacturer's signature.",
    category: 'Backend',
  },
} as const satisfies Record<string, PolicyKeySpec>;

export type PolicyKey = keyof typeof POLICY_KEYS;
export const POLICY_KEY_NAMES = Object.keys(POLICY_KEYS) as PolicyKey[];

/** The values one policy level sets; every key optional (absent = no say). */
export const PolicyValuesSchema = z.strictObject(
  Object.fromEntries(POLICY_KEY_NAMES.map((key) => [key, POLICY_KEYS[key].schema.optional()])) as {
    [K in PolicyKey]: z.ZodOptional<(typeof POLICY_KEYS)[K]['schema']>;
  },
);
export type PolicyValues = z.infer<typeof PolicyValuesSchema>;

/** Enforced values lock the owner's choice; recommended ones only replace the OEM default until the owner chooses. */
export interface EffectivePolicy {
  enforced: PolicyValues;
  recommended: PolicyValues;
  /** Where the values came from (for the panel's "set by your organisation" and the log). */
  sources: string[];
}

export const EMPTY_POLICY: EffectivePolicy = { enforced: {}, recommended: {}, sources: [] };

/** Where a setting's value came from, in precedence order. */
export type SettingSource = 'policy' | 'owner' | 'recommended' | 'default';

const CONSENT_ORDER: readonly Consent[] = ConsentSchema.options;

/** The lower of two consent levels. */
export function lowerConsent(a: Consent, b: Consent): Consent {
  return CONSENT_ORDER.indexOf(a) <= CONSENT_ORDER.indexOf(b) ? a : b;
}

/** The policy keys of each message category. */
export const CATEGORY_POLICY_KEYS: Record<keyof MessageCategoryChoices, PolicyKey> = {
  supplies: 'MessageCategorySupplies',
  service: 'MessageCategoryService',
  tips: 'MessageCategoryTips',
  offers: 'MessageCategoryOffers',
  surveys: 'MessageCategorySurveys',
};
