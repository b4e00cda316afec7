import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ManifestMessage } from '../../common/messages/index.js';
import { DEFAULT_SETTINGS, type FrequencyLimit, type MessageCategoryChoices, type QuietHours } from '../../common/settings.js';
import { testManifest, testMessage } from '../../test/support/manifests.js';
import { DEFAULT_DELIVERY_POLICY } from './delivery.js';
import { applyDecisions } from './delivery-effects.js';
import { planDelivery, type DeliveryInput } from './delivery-plan.js';
import type { CampaignLedger, LedgerRecord } from './ledger.js';
import type { MessageNotification, MessageNotifier } from './notifier.js';
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
    campaigns.set(campaignId, {
      deliveries: at,
      lastMessageId: `${campaignId}@1`,
      category,
      lastReadAt: Math.max(-1, ...at),
      dismissed: false,
      snoozedUntil: 0,
      ...rest,
    });
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
  frequencyLimit?: FrequencyLimit;
}

/** The plan as "campaign: kind (reason)" lines, in priority order, and the next check. */
function plan(input: Case): { decisions: string[]; nextCheckAt: number | null } {
  const environment = {
    os: 'linux',
    osVersion: '6.1',
    locale: 'en',
    region: 'US',
    appVersion: '1.0.0',
    daysSinceInstall: 3,
    crmSegments: [],
  } as const;
  const manifest = testManifest(NOW - HOUR, { messages: input.messages });
  const result = planDelivery({
    manifest,
    rules: new Map(input.messages.map((message) => [message.campaignId, () => true])),
    context: {
      subjects: [{ deviceId: null, context: buildRuleContext(environment, null) }],
      events: [{ type: 'app-start', at: NOW - MINUTE }],
      region: 'US',
      timeZone: 'UTC',
      installId: INSTALL,
    },
    ledger: input.ledger ?? ledger(),
    settings: {
      categories: { ...DEFAULT_SETTINGS.messageCategories, ...input.categories },
      quietHours: input.quietHours ?? null,
      notificationsPaused: input.notificationsPaused ?? false,
      frequencyLimit: input.frequencyLimit ?? null,
    },
    policy: DEFAULT_DELIVERY_POLICY,
    now: NOW,
  });
  return {
    decisions: result.decisions.map(
      (decision) => `${decision.message.campaignId}: ${decision.kind}${'reason' in decision ? ` (${decision.reason})` : ''}`,
    ),
    nextCheckAt: result.nextCheckAt,
  };
}

const message = (campaignId: string, patch: Partial<ManifestMessage> = {}) => testMessage({ campaignId, ...patch });

describe('planDelivery: from manifest, context, ledger, settings and clock to decisions', () => {
  it.each<[string, Case, string[], number | null]>([
    ['a normal message goes to the inbox', { messages: [message('tip')] }, ['tip: inbox'], null],
    ['an urgent one is also an OS notification', { messages: [message('jam', { urgency: 'urgent' })] }, ['jam: notify'], null],
    [
      'paused notifications: urgent goes to the inbox only',
      { messages: [message('jam', { urgency: 'urgent' })], notificationsPaused: true },
      ['jam: inbox'],
      null,
    ],
    [
      'priority: the higher one goes, the lower waits for the global interval',
      { messages: [message('low', { priority: 1 }), message('high', { priority: 900 })] },
      ['high: inbox', 'low: hold (another message was shown recently)'],
      NOW + 20 * MINUTE,
    ],
    [
      'opt-out: a category turned off is skipped',
      { messages: [message('offer', { category: 'offers' })], categories: { offers: false } },
      ['offer: skip (category offers is turned off)'],
      null,
    ],
    [
      'a critical service message (a safety recall) is locked on: it reaches the owner even with service turned off',
      { messages: [message('recall', { category: 'service', urgency: 'critical' })], categories: { service: false } },
      ['recall: notify'],
      null,
    ],
    [
      "the owner's daily limit holds every category until the oldest of the day's messages is 24 h old",
      {
        messages: [message('tip')],
        ledger: ledger({ old: { at: [NOW - 20 * HOUR], category: 'offers' }, newer: { at: [NOW - 2 * HOUR], category: 'supplies' } }),
        frequencyLimit: { perDay: 2, perWeek: 10 },
      },
      ['tip: hold (your limit of 2 messages a day)'],
      NOW + 4 * HOUR,
    ],
    [
      "the owner's weekly limit counts the last 7 days",
      {
        messages: [message('tip')],
        ledger: ledger({ a: { at: [NOW - 6 * 24 * HOUR] }, b: { at: [NOW - 3 * 24 * HOUR] } }),
        frequencyLimit: { perDay: 5, perWeek: 2 },
      },
      ['tip: hold (your limit of 2 messages a week)'],
      NOW + 24 * HOUR,
    ],
    [
      'a safety recall is not held by the limit, nor does it use it up',
      {
        messages: [message('recall', { category: 'service', urgency: 'critical', priority: 9 }), message('tip', { priority: 1 })],
        ledger: ledger({ earlier: { at: [NOW - 10 * HOUR] } }),
        frequencyLimit: { perDay: 1, perWeek: 10 },
      },
      ['recall: notify', 'tip: hold (your limit of 1 messages a day)'],
      NOW + 14 * HOUR,
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
    [
      'dismissed is skipped for good',
      { messages: [message('tip')], ledger: ledger({ tip: { at: [NOW - 2 * 24 * HOUR], dismissed: true } }) },
      ['tip: skip (dismissed)'],
      null,
    ],
    [
      'its own cap: shown as often as allowed',
      {
        messages: [message('tip', { caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 } })],
        ledger: ledger({ tip: { at: [NOW - 3 * 24 * HOUR] } }),
      },
      ['tip: skip (shown 1 of 1 times)'],
      null,
    ],
    [
      'its own cooldown',
      {
        messages: [message('tip', { caps: { maxImpressions: 5, maxPerDay: 5, cooldownHours: 24 } })],
        ledger: ledger({ tip: { at: [NOW - 4 * HOUR] } }),
      },
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
      {
        messages: [message('recall', { category: 'service', urgency: 'critical' }), message('tip')],
        ledger: ledger({ other: { at: [NOW - 5 * MINUTE], category: 'tips' } }),
      },
      ['recall: notify', 'tip: hold (another message was shown recently)'],
      NOW + 20 * MINUTE,
    ],
    [
      'an unread delivery is not delivered again on top of itself',
      {
        messages: [message('tip', { caps: { maxImpressions: 5, maxPerDay: 5, cooldownHours: 0 } })],
        ledger: ledger({ tip: { at: [NOW - 2 * HOUR], lastReadAt: -1 } }),
      },
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

/** A ledger in memory that folds what the effects append, as the real one does (for runs of several passes). */
function memoryLedger() {
  const campaigns = new Map<string, CampaignLedger>();
  const all: { at: number; campaignId: string; category: string; notified: boolean }[] = [];
  return {
    append(record: LedgerRecord): void {
      if (record.type !== 'delivered') return;
      const entry = campaigns.get(record.campaignId) ?? {
        deliveries: [],
        lastMessageId: undefined,
        category: undefined,
        lastReadAt: -1,
        dismissed: false,
        snoozedUntil: 0,
      };
      entry.deliveries.push(record.at);
      // The owner reads each one at once: the tests are about pacing, not about unread ones waiting.
      entry.lastReadAt = record.at;
      campaigns.set(record.campaignId, entry);
      all.push({ at: record.at, campaignId: record.campaignId, category: record.category, notified: record.notified });
    },
    campaign: (id: string) => campaigns.get(id),
    deliveries: () => all,
  };
}

/** Plans at `now` against `ledger`, applies the plan with the real effects, and answers the OS notifications shown. */
function pass(
  messages: ManifestMessage[],
  ledger: ReturnType<typeof memoryLedger>,
  now: number,
  events: DeliveryInput['context']['events'] = [{ type: 'app-start', at: now }],
) {
  const environment = {
    os: 'linux',
    osVersion: '6.1',
    locale: 'en',
    region: 'US',
    appVersion: '1.0.0',
    daysSinceInstall: 3,
    crmSegments: [],
  } as const;
  const plan = planDelivery({
    manifest: testManifest(now - HOUR, { messages }),
    rules: new Map(messages.map((entry) => [entry.campaignId, () => true])),
    context: {
      subjects: [{ deviceId: null, context: buildRuleContext(environment, null) }],
      events,
      region: 'US',
      timeZone: 'UTC',
      installId: INSTALL,
    },
    ledger,
    settings: {
      categories: { ...DEFAULT_SETTINGS.messageCategories, offers: true, surveys: true },
      quietHours: null,
      notificationsPaused: false,
    },
    policy: DEFAULT_DELIVERY_POLICY,
    now,
  });
  const shown: MessageNotification[] = [];
  const notifier: MessageNotifier = { show: (notification) => void shown.push(notification), setBadge: () => undefined };
  applyDecisions(plan, now, {
    ledger,
    notifier,
    log: () => undefined,
    openMessage: () => undefined,
    live: () => true,
    productName: 'Acme',
  });
  return { plan, shown };
}

const URGENCIES = ['normal', 'urgent', 'critical'] as const;
const CATEGORIES = ['supplies', 'service', 'tips', 'offers', 'surveys'] as const;

describe('pacing by urgency and priority, and the notification flood limit', () => {
  it('a low-priority campaign that took the slot at start does not hold back "cyan running low"', () => {
    const ledger = memoryLedger();
    const tip = message('tip', { priority: 1, caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 } });
    const cyan = message('cyan-low', {
      urgency: 'urgent',
      priority: 800,
      triggers: [{ type: 'supply-below', supply: { color: 'cyan' }, percent: 15 }],
    });
    expect(pass([tip, cyan], ledger, NOW).shown).toEqual([]);
    // Two minutes later cyan crosses its mark (a device with cyan at 12 %).
    const later = NOW + 2 * MINUTE;
    const environment = {
      os: 'linux',
      osVersion: '6.1',
      locale: 'en',
      region: 'US',
      appVersion: '1.0.0',
      daysSinceInstall: 3,
      crmSegments: [],
    } as const;
    const context = buildRuleContext(environment, null);
    const withCyan = {
      ...context,
      supplies: [{ kind: 'ink', color: 'cyan', role: 'consumable', level: 12, state: 'low', daysLeft: null, partNumber: null }],
    } as unknown as typeof context;
    const plan = planDelivery({
      manifest: testManifest(NOW - HOUR, { messages: [tip, cyan] }),
      rules: new Map([tip, cyan].map((entry) => [entry.campaignId, () => true])),
      context: { subjects: [{ deviceId: 'p1', context: withCyan }], events: [], region: 'US', timeZone: 'UTC', installId: INSTALL },
      ledger,
      settings: { categories: DEFAULT_SETTINGS.messageCategories, quietHours: null, notificationsPaused: false },
      policy: DEFAULT_DELIVERY_POLICY,
      now: later,
    });
    expect(plan.decisions.map((decision) => `${decision.message.campaignId}: ${decision.kind}`)).toEqual(['cyan-low: notify', 'tip: skip']);
  });

  it('100 critical messages at start: two notifications of their own and one "98 more messages from Acme"; all 100 in the inbox', () => {
    const messages = Array.from({ length: 100 }, (_, index) =>
      message(`recall-${String(index).padStart(3, '0')}`, { category: 'service', urgency: 'critical', priority: 1000 - index }),
    );
    const { plan, shown } = pass(messages, memoryLedger(), NOW);
    expect(shown.map((notification) => notification.title)).toEqual([
      'Title of recall-000',
      'Title of recall-001',
      '98 more messages from Acme',
    ]);
    expect(plan.decisions.filter((decision) => decision.kind === 'notify' || decision.kind === 'inbox')).toHaveLength(100);
    expect(plan.summary).toEqual({ messageIds: messages.slice(2).map((entry) => entry.id), shownAlone: 2 });
  });

  it('once the burst is used up, the next critical message goes to the inbox without a notification until the window has passed', () => {
    const ledger = memoryLedger();
    const first = Array.from({ length: 3 }, (_, index) => message(`recall-${index}`, { category: 'service', urgency: 'critical' }));
    expect(pass(first, ledger, NOW).shown).toHaveLength(3);
    const next = message('recall-next', { category: 'service', urgency: 'critical' });
    const soon = pass([...first, next], ledger, NOW + MINUTE);
    expect(soon.shown).toEqual([]);
    expect(soon.plan.decisions.find((decision) => decision.message.campaignId === 'recall-next')?.kind).toBe('inbox');
    const another = message('recall-later', { category: 'service', urgency: 'critical' });
    expect(pass([...first, next, another], ledger, NOW + 11 * MINUTE).shown.map((notification) => notification.title)).toEqual([
      'Title of recall-later',
    ]);
  });

  const messageArbitrary = fc.record({
    urgency: fc.constantFrom(...URGENCIES),
    category: fc.constantFrom(...CATEGORIES),
    priority: fc.integer({ min: 0, max: 1000 }),
  });

  it('property: an urgent supplies message is never held behind one that weighs less', () => {
    fc.assert(
      fc.property(
        fc.array(messageArbitrary, { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 6 * 60 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 1000 }),
        (others, minutesAgo, priority) => {
          const ledger = memoryLedger();
          // Lower ones only: either less urgent, or urgent with a lower priority.
          const lower = others
            .map((entry, index) =>
              message(`other-${index}`, {
                ...entry,
                urgency: entry.urgency === 'critical' ? 'urgent' : entry.urgency,
                priority: entry.urgency === 'normal' ? entry.priority : Math.min(entry.priority, priority - 1),
              }),
            )
            .filter((entry) => entry.urgency === 'normal' || entry.priority < priority);
          // Some of them went out earlier (each pass delivers what the caps let through).
          for (const minutes of [...minutesAgo].sort((a, b) => b - a)) pass(lower, ledger, NOW - minutes * MINUTE);
          const urgent = message('cyan-low', { urgency: 'urgent', category: 'supplies', priority });
          const decision = pass([...lower, urgent], ledger, NOW).plan.decisions.find((entry) => entry.message.campaignId === 'cyan-low');
          expect(decision?.kind).toMatch(/^(notify|inbox)$/);
        },
      ),
    );
  });

  it('property: never more than 3 OS notifications within 10 minutes, whatever is published and whenever it is looked at', () => {
    fc.assert(
      fc.property(
        fc.array(messageArbitrary, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 10 }),
        (published, gaps) => {
          const ledger = memoryLedger();
          const messages = published.map((entry, index) =>
            message(`m-${index}`, { ...entry, caps: { maxImpressions: 5, maxPerDay: 5, cooldownHours: 0 } }),
          );
          const shownAt: number[] = [];
          let now = NOW;
          for (const gap of gaps) {
            now += gap * MINUTE;
            for (const _ of pass(messages, ledger, now).shown) shownAt.push(now);
          }
          for (const start of shownAt)
            expect(shownAt.filter((at) => at >= start && at < start + 10 * MINUTE).length).toBeLessThanOrEqual(3);
        },
      ),
    );
  });
});
