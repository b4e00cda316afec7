import { z } from 'zod';
import type { DeviceReading, DeviceSnapshot } from '../device.js';
import { classifySupply, DEFAULT_LOW_THRESHOLD, SupplyKindSchema, SupplyRoleSchema, type Supply } from '../supply.js';
import { CampaignInputSchema, TimeZoneSchema, type CampaignInput, type Trigger } from './campaign.js';
import { LocaleTagSchema } from './content.js';
import { buildRuleContext, compileLogic, compileRule, truthy } from './rule-eval.js';
import type { RuleContext } from './rule-context.js';
import { inSchedule } from './schedule-time.js';
import { localeCovers, productLineCovers, regionCovers } from './segment-match.js';
import { selected, triggerHolds, type TriggerEvent, type TriggerSubject } from './triggers.js';
import { describeError } from '../errors.js';

/**
 * The marketer's preview of targeting: does a draft campaign match one chosen device state, and
 * why (or why not), condition by condition. Every verdict comes from the code that decides
 * delivery — the segment checks the manifest builder uses, the app's schedule check, rule compiler
 * and trigger checks — so the preview cannot say "matches" where the app would not. Caps, snoozes,
 * quiet hours and the holdout depend on one owner's history and are not part of it.
 */

/** One supply of the previewed device; `low`/`empty` are derived as the app derives them. */
export const PreviewSupplySchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120).optional(),
  kind: SupplyKindSchema,
  role: SupplyRoleSchema.default('consumable'),
  /** Lowercase colour name (`cyan`); omitted for a supply without one. */
  color: z.string().min(1).max(40).optional(),
  /** Percent 0–100, or null when the device reports no number. */
  level: z.number().min(0).max(100).nullable(),
  lowThreshold: z.number().min(0).max(100).optional(),
  daysLeft: z.number().min(0).max(3650).optional(),
  partNumber: z.string().min(1).max(64).optional(),
});

/** The device state a draft is previewed against. */
export const PreviewDeviceStateSchema = z.strictObject({
  /** The manifest segment: product line slug and canonical locale (`de-DE`). */
  productLine: z.string().min(1).max(64),
  locale: LocaleTagSchema,
  region: z
    .string()
    .regex(/^[A-Z]{2}$/, 'Use an uppercase ISO 3166-1 alpha-2 code such as "DE".')
    .nullable()
    .default(null),
  /** The owner's IANA zone, for "device" schedules (the panel preview runs in it too). */
  timeZone: TimeZoneSchema.refine((zone) => zone !== 'device', 'Name the owner\'s zone itself, e.g. "Europe/Berlin".').default('UTC'),
  /** The moment previewed; omitted = now. */
  at: z.iso.datetime().optional(),
  /** null: no device attached. */
  device: z
    .strictObject({
      vendor: z.string().max(200).default(''),
      model: z.string().max(200),
      firmware: z.string().max(200).optional(),
      vendorId: z.number().int().min(0).max(0xffff).optional(),
      productId: z.number().int().min(0).max(0xffff).optional(),
    })
    .nullable()
    .default(null),
  supplies: z.array(PreviewSupplySchema).max(64).default([]),
  /** Active condition codes (`media-jam`). */
  errors: z.array(z.string().min(1).max(64)).max(64).default([]),
  os: z.enum(['windows', 'macos', 'linux']).default('windows'),
  osVersion: z.string().max(64).default(''),
  appVersion: z.string().max(64).default('0.0.0'),
  daysSinceInstall: z.number().int().min(0).default(0),
  crmSegments: z.array(z.string().max(100)).max(200).default([]),
});
export type PreviewDeviceStateRaw = z.input<typeof PreviewDeviceStateSchema>;
export type PreviewDeviceState = z.output<typeof PreviewDeviceStateSchema>;

/** One condition's verdict, with the words a marketer reads. */
export const TargetingCheckSchema = z.object({
  kind: z.enum(['product-line', 'locale', 'region', 'schedule', 'rule', 'trigger']),
  matched: z.boolean(),
  reason: z.string(),
  /** For a rule: one verdict per top-level clause of its `and`/`or`; for a trigger: one per trigger. */
  details: z.array(z.object({ matched: z.boolean(), reason: z.string() })).optional(),
});
export type TargetingCheck = z.infer<typeof TargetingCheckSchema>;

export const TargetingExplanationSchema = z.object({ matched: z.boolean(), checks: z.array(TargetingCheckSchema) });
export type TargetingExplanation = z.infer<typeof TargetingExplanationSchema>;

/** POST /v1/admin/campaigns/preview: a draft and a device state; nothing is stored or published. */
export const CampaignPreviewRequestSchema = z.strictObject({
  campaign: CampaignInputSchema,
  device: PreviewDeviceStateSchema,
});

/** The preview's answer: the targeting verdict and each variant's title and body per locale. */
export const CampaignPreviewSchema = TargetingExplanationSchema.extend({
  campaignId: z.string(),
  variants: z.array(
    z.object({
      id: z.string(),
      weight: z.number(),
      /** The locale of the content this device would be shown (its locale, a shorter tag, or the default), null when none. */
      shownLocale: z.string().nullable(),
      content: z.array(z.object({ locale: z.string(), title: z.string(), body: z.string() })),
    }),
  ),
});
export type CampaignPreview = z.infer<typeof CampaignPreviewSchema>;

const quote = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
const list = (items: readonly string[]): string => items.map(quote).join(', ');

function clauseText(clause: unknown): string {
  const text = JSON.stringify(clause) ?? String(clause);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * What the previewed device reports, as a transport's reading: the explanation builds its snapshot
 * from this, and the panel preview's fixed-state device reports exactly this, so both read the same
 * supplies and levels. null: no device attached.
 */
export function previewDeviceReading(state: PreviewDeviceState): DeviceReading | null {
  if (state.device === null) return null;
  const supplies: Supply[] = state.supplies.map((supply) =>
    classifySupply({
      id: supply.id,
      name: supply.name ?? supply.id,
      kind: supply.kind,
      role: supply.role,
      ...(supply.color !== undefined ? { color: { name: supply.color } } : {}),
      level: supply.level === null ? { kind: 'unknown' } : { kind: 'percent', percent: supply.level },
      lowThreshold: supply.lowThreshold ?? DEFAULT_LOW_THRESHOLD[supply.role],
      ...(supply.partNumber !== undefined ? { partNumber: supply.partNumber } : {}),
    }),
  );
  const { vendor, model, firmware, vendorId, productId } = state.device;
  return {
    identity: {
      manufacturer: vendor,
      model,
      commandSet: [],
      ...(firmware !== undefined ? { firmware } : {}),
      ...(vendorId !== undefined ? { vendorId } : {}),
      ...(productId !== undefined ? { productId } : {}),
    },
    conditions: state.errors.map((code) => ({ code, severity: 'error' as const, message: code })),
    supplies,
  };
}

/** The previewed device as the app's snapshot, so the rule context is built by the app's own code. */
function previewSnapshot(state: PreviewDeviceState): DeviceSnapshot | null {
  const reading = previewDeviceReading(state);
  if (reading === null) return null;
  // A forecast comes from the app's drain history; the state file gives it directly.
  const supplies = reading.supplies.map((supply, index) => {
    const daysLeft = state.supplies[index]!.daysLeft;
    return daysLeft === undefined ? supply : { ...supply, daysLeft };
  });
  return {
    id: 'preview',
    transport: 'simulated',
    identity: reading.identity,
    state: 'ok',
    statusLine: '',
    conditions: reading.conditions,
    supplies,
    facts: {},
    stale: false,
    updatedAt: null,
  };
}

/** The rule context the app would build for this device state. */
export function previewRuleContext(state: PreviewDeviceState): RuleContext {
  return buildRuleContext(
    {
      os: state.os,
      osVersion: state.osVersion,
      locale: state.locale,
      region: state.region,
      appVersion: state.appVersion,
      daysSinceInstall: state.daysSinceInstall,
      crmSegments: state.crmSegments,
    },
    previewSnapshot(state),
  );
}

function segmentChecks(campaign: CampaignInput, state: PreviewDeviceState): TargetingCheck[] {
  const { productLines, locales, regions } = campaign.segment;
  const lineOk = productLineCovers(productLines, state.productLine);
  const localeOk = locales.some((entry) => localeCovers(entry, state.locale));
  const regionOk = regionCovers(regions, state.region);
  return [
    {
      kind: 'product-line',
      matched: lineOk,
      reason: lineOk
        ? `Product line ${quote(state.productLine)} is in the segment (${list(productLines)}).`
        : `Product line ${quote(state.productLine)} is not in the segment's product lines (${list(productLines)}).`,
    },
    {
      kind: 'locale',
      matched: localeOk,
      reason: localeOk
        ? `Locale ${quote(state.locale)} is covered by the segment's locales (${list(locales)}).`
        : `Locale ${quote(state.locale)} is not covered by the segment's locales (${list(locales)}); "de" covers "de-DE", "*" covers all.`,
    },
    {
      kind: 'region',
      matched: regionOk,
      reason:
        regions.length === 0
          ? 'The segment names no regions: every region matches.'
          : state.region === null
            ? `The segment is for regions ${list(regions)} and the device's region is unknown.`
            : regionOk
              ? `Region ${quote(state.region)} is one of ${list(regions)}.`
              : `Region ${quote(state.region)} is not one of ${list(regions)}.`,
    },
  ];
}

function scheduleCheck(campaign: CampaignInput, state: PreviewDeviceState, now: number): TargetingCheck {
  const { start, end, timeZone } = campaign.schedule;
  const open = inSchedule(campaign.schedule, now, state.timeZone);
  const zone = timeZone === 'device' ? `the owner's zone (${state.timeZone})` : timeZone;
  const window = `from ${start}${end === undefined ? ' with no end' : ` until ${end}`}, ${zone}`;
  return {
    kind: 'schedule',
    matched: open,
    reason: open
      ? `The schedule is open at ${new Date(now).toISOString()} (${window}).`
      : `The schedule is closed at ${new Date(now).toISOString()} (${window}).`,
  };
}

function ruleCheck(rule: unknown, context: RuleContext): TargetingCheck {
  let whole: (context: RuleContext) => boolean;
  try {
    whole = compileRule(rule);
  } catch (error) {
    return { kind: 'rule', matched: false, reason: `The rule does not compile: ${describeError(error)}` };
  }
  const matched = whole(context);
  if (rule === true) return { kind: 'rule', matched, reason: 'The rule is `true`: the whole segment.' };
  const joined = typeof rule === 'object' && rule !== null && !Array.isArray(rule) ? Object.entries(rule) : [];
  const [operator, clauses] = joined.length === 1 ? joined[0]! : [undefined, undefined];
  const details =
    (operator === 'and' || operator === 'or') && Array.isArray(clauses)
      ? clauses.map((clause) => {
          const holds = truthy(compileLogic(clause)(context));
          return { matched: holds, reason: `${holds ? 'Holds' : 'Does not hold'}: ${clauseText(clause)}` };
        })
      : undefined;
  const reason = matched
    ? `The rule matches this device${operator === 'and' ? ' (every clause holds)' : operator === 'or' ? ' (a clause holds)' : ''}.`
    : `The rule does not match this device${operator === 'and' ? ' (a clause fails)' : operator === 'or' ? ' (no clause holds)' : ''}: ${clauseText(rule)}`;
  return { kind: 'rule', matched, reason, ...(details ? { details } : {}) };
}

const selectorText = (selector: { kind?: string | undefined; color?: string | undefined }): string =>
  [selector.color, selector.kind].filter((part) => part !== undefined).join(' ') || 'any supply';

/** Per-trigger verdicts; app start and device connection count as just happened (the preview's device was just plugged in). */
function triggerCheck(triggers: readonly Trigger[], context: RuleContext, now: number): TargetingCheck {
  const events: TriggerEvent[] = [
    { type: 'app-start', at: now },
    { type: 'device-connected', at: now, deviceId: 'preview' },
  ];
  const subject = (supplies: RuleContext['supplies']): TriggerSubject => ({
    deviceId: context.device === null ? null : 'preview',
    context: { ...context, supplies },
  });
  const details = triggers.map((trigger) => {
    const holds = triggerHolds(trigger, subject(context.supplies), events, now, -Infinity);
    return { matched: holds, reason: `${holds ? 'Holds' : 'Does not hold'}: ${triggerReason(trigger, context, now, events, subject)}` };
  });
  const matched = details.some((detail) => detail.matched);
  return {
    kind: 'trigger',
    matched,
    reason: matched ? 'A trigger holds for this device.' : 'No trigger holds for this device.',
    details,
  };
}

function triggerReason(
  trigger: Trigger,
  context: RuleContext,
  now: number,
  events: readonly TriggerEvent[],
  subject: (supplies: RuleContext['supplies']) => TriggerSubject,
): string {
  switch (trigger.type) {
    case 'app-start':
      return 'app start (taken as just happened in the preview).';
    case 'device-connected':
      return context.device === null ? 'device connected: no device in this state.' : 'device connected (taken as just plugged in).';
    case 'scheduled':
      return 'scheduled: holds whenever the schedule is open.';
    case 'device-error':
      return `device error ${list(trigger.codes)}; the device reports ${context.errors.length === 0 ? 'no errors' : list(context.errors)}.`;
    case 'supply-below':
    case 'supply-runout': {
      const watched = context.supplies.filter((supply) => selected(supply, trigger.supply));
      const mark = trigger.type === 'supply-below' ? `at ${trigger.percent} %` : `within ${trigger.days} days`;
      if (watched.length === 0) return `${trigger.type} ${mark} for ${selectorText(trigger.supply)}: the device has no such supply.`;
      const readings = watched.map((supply) => {
        const held = triggerHolds(trigger, subject([supply]), events, now, -Infinity);
        const value =
          trigger.type === 'supply-below'
            ? supply.level === null
              ? 'reports no level'
              : `reads ${supply.level} %${supply.role === 'receptacle' ? ' full' : ''}`
            : supply.daysLeft === null
              ? 'has no forecast'
              : `has ${supply.daysLeft} days left`;
        return `${[supply.color, supply.kind].filter(Boolean).join(' ')} ${value} (${held ? 'trips it' : 'does not'})`;
      });
      return `${trigger.type} ${mark} for ${selectorText(trigger.supply)}: ${readings.join('; ')}.`;
    }
  }
}

/** Whether the draft matches the device state, with one check per condition; matched only when every check passes. */
export function explainTargeting(campaign: CampaignInput, state: PreviewDeviceState, now = Date.now()): TargetingExplanation {
  const at = state.at !== undefined ? Date.parse(state.at) : now;
  const context = previewRuleContext(state);
  const checks = [
    ...segmentChecks(campaign, state),
    scheduleCheck(campaign, state, at),
    ruleCheck(campaign.rule, context),
    triggerCheck(campaign.triggers, context, at),
  ];
  return { matched: checks.every((check) => check.matched), checks };
}
