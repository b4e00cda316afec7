import { describe, expect, it } from 'vitest';
import type { ManifestMessage } from '../../common/messages/index.js';
import { DEFAULT_SETTINGS, type MessageCategoryChoices, type QuietHours } from '../../common/settings.js';
import { testManifest, testMessage } from '../../test/support/manifests.js';
import { DEFAULT_DELIVERY_POLICY } from './delivery.js';
import { planDelivery, type DeliveryInput } from './delivery-plan.js';
import type { CampaignLedger } from './ledger.js';
import { buildRuleContext } from './targeting.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Monday 2026-06-01 12:00 UTC. */
const NOW = Date.UTC(2026, 5, 1, 12, 0);
const INSTALL = '11111111-2222-4333-8444-555555555555';

/** A ledger holding these past deliveries (and read/dismiss/snooze state) per campaign. */
function ledger(entries: Record<string, { at: number[]; category?: string } & Partial<CampaignLedger>> = {}): DeliveryInput['ledger'] {
  const campaigns = new Map<string, CampaignLedger>();
  const all: { at: number; campaignId: string; category: string }[] = [];
  for (const [campaignId, entry] of Object.entries(entries)) {
    const { at, category = 'supplies', ...rest } = entry;
    // Read after each delivery unless the case says otherwise: an unread one is not delivered on top of itself.
    campaigns.set(campaignId, { deliveries: at, lastMessageId: `${campaignId}@1`, category, lastReadAt: Math.max(-1, ...at), dismissed: false, snoozedUntil: 0, ...rest });
    for (const time of at) all.push({ at: time, campaignId, category });
  }
  all.sort((a, b) => a.at - b.at);
  return { campaign: (id) => campaigns.get(id), deliveries: () => all };
}

interface Case {
  messages: ManifestMessage[];
  ledger?: DeliveryInput['ledger'];
  categories?: Partial<MessageCategoryChoices>;
  quietHours?: QuietHours;
  notificationsPaused?: boolean;
}

/** The plan as "campaign: kind (reason)" lines, in priority order, and the next check. */
function plan(input: Case): { decisions: string[]; nextCheckAt: number | null } {
  const environment = { os: 'linux', osVersion: '6.1', locale: 'en', region: 'US', appVersion: '1.0.0', daysSinceInstall: 3, crmSegments: [] } as const;
  const manifest = testManifest(NOW - HOUR, { messages: input.messages });
  const result = planDelivery({
    manifest,
    rules: new Map(input.messages.map((message) => [message.campaignId, () => true])),
    context: { subjects: [{ deviceId: null, context: buildRuleContext(environment, null) }], events: [{ type: 'app-start', at: NOW - MINUTE }], region: 'US', timeZone: 'UTC', installId: INSTALL },
    ledger: input.ledger ?? ledger(),
    settings: {
      categories: { ...DEFAULT_SETTINGS.messageCategories, ...input.categories },
      quietHours: input.quietHours ?? null,
      notificationsPaused: input.notificationsPaused ?? false,
    },
    policy: DEFAULT_DELIVERY_POLICY,
    now: NOW,
  });
  return {
    decisions: result.decisions.map((decision) => `${decision.message.campaignId}: ${decision.kind}${'reason' in decision ? ` (${decision.reason})` : ''}`),
    nextCheckAt: result.nextCheckAt,
  };
}

const message = (campaignId: string, patch: Partial<ManifestMessage> = {}) => testMessage({ campaignId, ...patch });

describe('planDelivery: from manifest, context, ledger, settings and clock to decisions', () => {
  it.each<[string, Case, string[], number | null]>([
    ['a normal message goes to the inbox', { messages: [message('tip')] }, ['tip: inbox'], null],
    ['an urgent one is also an OS notification', { messages: [message('jam', { urgency: 'urgent' })] }, ['jam: notify'], null],
    ['paused notifications: urgent goes to the inbox only', { messages: [message('jam', { urgency: 'urgent' })], notificationsPaused: true }, ['jam: inbox'], null],
    [
      'priority: the higher one goes, the lower waits for the global interval',
      { messages: [message('low', { priority: 1 }), message('high', { priority: 900 })] },
      ['high: inbox', 'low: hold (another message was shown recently)'],
      NOW + 20 * MINUTE,
    ],
    ['opt-out: a category turned off is skipped', { messages: [message('offer', { category: 'offers' })], categories: { offers: false } }, ['offer: skip (category offers is turned off)'], null],
    [
      'opt-out holds even for a critical service message when service is off',
      { messages: [message('recall', { category: 'service', urgency: 'critical' })], categories: { service: false } },
      ['recall: skip (category service is turned off)'],
      null,
    ],
    [
      'quiet hours hold until they end',
      { messages: [message('tip')], quietHours: { start: '11:00', end: '13:30' } },
      ['tip: hold (quiet hours)'],
      Date.UTC(2026, 5, 1, 13, 30),
    ],
    [
      'snooze holds until it ends',
      { messages: [message('tip')], ledger: ledger({ tip: { at: [NOW - 2 * 24 * HOUR], snoozedUntil: NOW + 2 * HOUR } }) },
      ['tip: hold (snoozed)'],
      NOW + 2 * HOUR,
    ],
    ['dismissed is skipped for good', { messages: [message('tip')], ledger: ledger({ tip: { at: [NOW - 2 * 24 * HOUR], dismissed: true } }) }, ['tip: skip (dismissed)'], null],
    [
      'its own cap: shown as often as allowed',
      { messages: [message('tip', { caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 } })], ledger: ledger({ tip: { at: [NOW - 3 * 24 * HOUR] } }) },
      ['tip: skip (shown 1 of 1 times)'],
      null,
    ],
    [
      'its own cooldown',
      { messages: [message('tip', { caps: { maxImpressions: 5, maxPerDay: 5, cooldownHours: 24 } })], ledger: ledger({ tip: { at: [NOW - 4 * HOUR] } }) },
      ['tip: hold (cooling down)'],
      NOW + 20 * HOUR,
    ],
    [
      'the category cap counts deliveries planned in the same pass',
      {
        messages: [message('a', { priority: 3 }), message('b', { priority: 2 })],
        ledger: ledger({ old1: { at: [NOW - 5 * HOUR] }, old2: { at: [NOW - 4 * HOUR] } }),
      },
      ['a: inbox', 'b: hold (supplies daily cap)'],
      Date.UTC(2026, 5, 2, 0, 0),
    ],
    [
      'a critical service message skips the install-wide interval; a normal one then waits the interval after it',
      { messages: [message('recall', { category: 'service', urgency: 'critical' }), message('tip')], ledger: ledger({ other: { at: [NOW - 5 * MINUTE], category: 'tips' } }) },
      ['recall: notify', 'tip: hold (another message was shown recently)'],
      NOW + 20 * MINUTE,
    ],
    [
      'an unread delivery is not delivered again on top of itself',
      { messages: [message('tip', { caps: { maxImpressions: 5, maxPerDay: 5, cooldownHours: 0 } })], ledger: ledger({ tip: { at: [NOW - 2 * HOUR], lastReadAt: -1 } }) },
      ['tip: skip (waiting unread in the inbox)'],
      null,
    ],
    ['outside its region', { messages: [message('de-only', { regions: ['DE'] })] }, ['de-only: skip (not for this region)'], null],
    [
      'not triggered: a device error it waits for is not there',
      { messages: [message('jam', { triggers: [{ type: 'device-error', codes: ['media-jam'] }] })] },
      ['jam: skip (not triggered, or the rule does not match)'],
      null,
    ],
  ])('%s', (_name, input, decisions, nextCheckAt) => {
    expect(plan(input)).toEqual({ decisions, nextCheckAt });
  });

  it('is pure: the same input gives the same plan, and the ledger is only read', () => {
    const input: Case = { messages: [message('a', { priority: 3 }), message('b', { priority: 2 })] };
    const before = input.ledger ?? ledger();
    const first = plan({ ...input, ledger: before });
    expect(plan({ ...input, ledger: before })).toEqual(first);
    expect(before.deliveries()).toEqual([]);
  });
});
