import { describe, expect, it } from 'vitest';
import type { ManifestMessage } from '../../common/messages/index.js';
import { DEFAULT_SETTINGS, type QuietHours } from '../../common/settings.js';
import { testMessage } from '../../test/support/manifests.js';
import { DEFAULT_DELIVERY_POLICY, deliveryGate, inSchedule, quietUntil, type DeliveryState } from './delivery.js';
import type { CampaignLedger } from './ledger.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2026-06-01 12:00 in Berlin (10:00 UTC). */
const NOON = Date.UTC(2026, 5, 1, 10, 0);
const ZONE = 'Europe/Berlin';

const ledgerOf = (deliveries: number[], extra: Partial<CampaignLedger> = {}): CampaignLedger => ({
  deliveries,
  lastMessageId: 'm@1',
  category: 'supplies',
  lastReadAt: -1,
  dismissed: false,
  snoozedUntil: 0,
  ...extra,
});

function gate(
  message: Partial<ManifestMessage>,
  state: Partial<DeliveryState> & { own?: number[]; others?: { at: number; category: string }[] } = {},
) {
  const own = state.own ?? [];
  const others = state.others ?? [];
  const m = testMessage({ campaignId: 'm', ...message });
  return deliveryGate(m, {
    now: NOON,
    timeZone: ZONE,
    policy: DEFAULT_DELIVERY_POLICY,
    categories: DEFAULT_SETTINGS.messageCategories,
    quietHours: null,
    campaign: own.length > 0 ? ledgerOf(own) : undefined,
    deliveries: [
      ...others.map((other) => ({ ...other, campaignId: 'other' })),
      ...own.map((at) => ({ at, campaignId: 'm', category: m.category })),
    ].sort((a, b) => a.at - b.at),
    ...state,
  });
}

const caps = (maxImpressions: number, maxPerDay: number, cooldownHours: number, maxPerWeek?: number) => ({
  maxImpressions,
  maxPerDay,
  cooldownHours,
  ...(maxPerWeek ? { maxPerWeek } : {}),
});
const quiet = (start: string, end: string): QuietHours => ({ start, end });

describe('deliveryGate', () => {
  it.each<[string, Partial<ManifestMessage>, Parameters<typeof gate>[1], boolean | string]>([
    ['a fresh message goes out', {}, {}, true],
    ['"once": never a second time, even days later', { caps: caps(1, 1, 0) }, { own: [NOON - 30 * DAY] }, 'shown 1 of 1 times'],
    ['lifetime cap of 3 reached', { caps: caps(3, 5, 0) }, { own: [NOON - 3 * DAY, NOON - 2 * DAY, NOON - DAY] }, 'shown 3 of 3 times'],
    ['cooldown of 48 h not over', { caps: caps(5, 5, 48) }, { own: [NOON - 47 * HOUR] }, 'cooling down'],
    ['cooldown of 48 h over', { caps: caps(5, 5, 48) }, { own: [NOON - 49 * HOUR] }, true],
    [
      'per-day cap counts the local day (00:30 Berlin is today)',
      { caps: caps(5, 1, 0) },
      { own: [Date.UTC(2026, 4, 31, 22, 30)] },
      'daily cap',
    ],
    ['per-day cap: 23:30 Berlin yesterday does not count', { caps: caps(5, 1, 0) }, { own: [Date.UTC(2026, 4, 31, 21, 30)] }, true],
    ['per-week cap', { caps: caps(9, 9, 0, 2) }, { own: [NOON - 6 * DAY, NOON - 2 * DAY] }, 'weekly cap'],
    ['per-week cap rolls', { caps: caps(9, 9, 0, 2) }, { own: [NOON - 8 * DAY, NOON - 2 * DAY] }, true],
    ['category turned off', { category: 'offers' }, {}, 'category offers is turned off'],
    [
      'category turned off stops even a critical service message',
      { category: 'service', urgency: 'critical' },
      { categories: { ...DEFAULT_SETTINGS.messageCategories, service: false } },
      'category service is turned off',
    ],
    ['dismissed for good', {}, { campaign: ledgerOf([], { dismissed: true }) }, 'dismissed'],
    ['snoozed until later', {}, { campaign: ledgerOf([], { snoozedUntil: NOON + HOUR }) }, 'snoozed'],
    ['snooze over', {}, { campaign: ledgerOf([], { snoozedUntil: NOON - 1 }) }, true],
    ['quiet hours 11:00–13:00 local', {}, { quietHours: quiet('11:00', '13:00') }, 'quiet hours'],
    ['quiet hours spanning midnight, now noon', {}, { quietHours: quiet('22:00', '07:00') }, true],
    [
      'quiet hours also hold back a critical message',
      { category: 'service', urgency: 'critical' },
      { quietHours: quiet('11:00', '13:00') },
      'quiet hours',
    ],
    [
      'global interval: another message 5 min ago',
      {},
      { others: [{ at: NOON - 5 * 60_000, category: 'tips' }] },
      'another message was shown recently',
    ],
    ['global interval over', {}, { others: [{ at: NOON - 25 * 60_000, category: 'tips' }] }, true],
    [
      'a critical service message passes the global interval',
      { category: 'service', urgency: 'critical' },
      { others: [{ at: NOON - 60_000, category: 'tips' }] },
      true,
    ],
    [
      'category cap: 3 supplies messages today',
      {},
      { others: [1, 2, 3].map((h) => ({ at: NOON - h * HOUR, category: 'supplies' })) },
      'supplies daily cap',
    ],
    [
      'category cap does not count other categories',
      {},
      { others: [1, 2, 3].map((h) => ({ at: NOON - h * HOUR, category: 'tips' })) },
      true,
    ],
    [
      'a critical service message passes the category cap',
      { category: 'service', urgency: 'critical' },
      { others: [1, 2, 3].map((h) => ({ at: NOON - h * HOUR, category: 'service' })) },
      true,
    ],
    [
      'a critical message still obeys its own "once"',
      { category: 'service', urgency: 'critical', caps: caps(1, 1, 0) },
      { own: [NOON - 10 * DAY] },
      'shown 1 of 1 times',
    ],
    [
      'an urgent message is not held behind a normal one shown a minute ago',
      { urgency: 'urgent' },
      { others: [{ at: NOON - 60_000, category: 'tips' }] },
      true,
    ],
    [
      'an urgent message is not held behind a lower-priority urgent one',
      { urgency: 'urgent', priority: 500 },
      { deliveries: [{ at: NOON - 60_000, campaignId: 'other', category: 'supplies', rank: { urgency: 'urgent', priority: 100 } }] },
      true,
    ],
    [
      'an urgent message waits the interval after an urgent one of the same or higher priority',
      { urgency: 'urgent', priority: 500 },
      { deliveries: [{ at: NOON - 60_000, campaignId: 'other', category: 'service', rank: { urgency: 'urgent', priority: 500 } }] },
      'another message was shown recently',
    ],
    [
      'an urgent message waits the interval after a critical one',
      { urgency: 'urgent', priority: 900 },
      { deliveries: [{ at: NOON - 60_000, campaignId: 'other', category: 'service', rank: { urgency: 'critical', priority: 1 } }] },
      'another message was shown recently',
    ],
    [
      'an urgent supplies message skips the category cap used up by normal ones',
      { urgency: 'urgent' },
      { others: [1, 2, 3].map((h) => ({ at: NOON - h * HOUR, category: 'supplies' })) },
      true,
    ],
    [
      'a normal message still waits behind a lower-priority normal one (marketing pacing)',
      { priority: 900 },
      { deliveries: [{ at: NOON - 60_000, campaignId: 'other', category: 'tips', rank: { urgency: 'normal', priority: 1 } }] },
      'another message was shown recently',
    ],
  ])('%s', (_name, message, state, expected) => {
    const result = gate(message, state);
    expect(result.ok ? true : result.reason).toBe(expected);
  });

  it('says when to look again', () => {
    const cooling = gate({ caps: caps(5, 5, 48) }, { own: [NOON - 47 * HOUR] });
    expect(!cooling.ok && cooling.retryAt).toBe(NOON + HOUR);
    const quietResult = gate({}, { quietHours: quiet('11:00', '13:00') });
    expect(!quietResult.ok && quietResult.retryAt).toBe(NOON + HOUR);
    const daily = gate({ caps: caps(5, 1, 0) }, { own: [NOON - HOUR] });
    expect(!daily.ok && daily.retryAt).toBe(Date.UTC(2026, 5, 1, 22, 0)); // Berlin midnight
    const once = gate({ caps: caps(1, 1, 0) }, { own: [NOON - HOUR] });
    expect(!once.ok && once.retryAt).toBeNull();
  });
});

describe('quietUntil', () => {
  it.each([
    ['22:00', '07:00', Date.UTC(2026, 5, 1, 21, 30), Date.UTC(2026, 5, 2, 5, 0)], // 23:30 Berlin → 07:00
    ['22:00', '07:00', Date.UTC(2026, 5, 1, 3, 0), Date.UTC(2026, 5, 1, 5, 0)], // 05:00 Berlin → 07:00
    ['22:00', '07:00', Date.UTC(2026, 5, 1, 5, 0), undefined], // 07:00 sharp: over
    ['09:00', '09:00', NOON, undefined], // empty window
  ])('%s–%s', (start, end, now, expected) => {
    expect(quietUntil(quiet(start, end), now, ZONE)).toBe(expected);
  });
});

describe('inSchedule', () => {
  it.each([
    [{ start: '2026-06-01T12:00', timeZone: 'Europe/Berlin' }, true],
    [{ start: '2026-06-01T12:01', timeZone: 'Europe/Berlin' }, false],
    [{ start: '2026-06-01T11:00', end: '2026-06-01T12:00', timeZone: 'Europe/Berlin' }, false],
    [{ start: '2026-06-01T09:00', end: '2026-06-01T11:00', timeZone: 'UTC' }, true],
    [{ start: '2026-06-01T11:00', end: '2026-06-01T12:00', timeZone: 'device' }, false],
  ])('%j', (schedule, expected) => {
    expect(inSchedule(schedule, NOON, ZONE)).toBe(expected);
  });
});
