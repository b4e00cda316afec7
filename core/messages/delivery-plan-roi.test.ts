import { describe, expect, it } from 'vitest';
import type { Holdout, ManifestMessage } from '../../common/messages/index.js';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { testManifest, testMessage } from '../../test/support/manifests.js';
import { armFor } from '../roi/holdout.js';
import { DEFAULT_DELIVERY_POLICY } from './delivery.js';
import { applyDecisions } from './delivery-effects.js';
import { planDelivery, type DeliveryInput } from './delivery-plan.js';
import { campaignsReaching } from './goals.js';
import { openLedgerSync, type Ledger, type LedgerRecord } from './ledger.js';
import { silentNotifier } from './notifier.js';
import { tempDirs } from '../../test/support/temp-dirs.js';
import { buildRuleContext } from './targeting.js';

/** Holdout and control, message groups and goals, as the plan decides them and the ledger remembers them. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2026-06-01 12:00 UTC. */
const NOW = Date.UTC(2026, 5, 1, 12, 0);
const tempDir = tempDirs();
const HOLDOUT: Holdout = { salt: 'fleet-salt-1', share: 0.5 };

/** The first install id of the arm wanted, for the campaign and holdout given (the hash decides, so the test searches). */
function installIn(arm: 'treated' | 'holdout' | 'control', campaignId: string, controlShare?: number): string {
  for (let index = 0; index < 10_000; index += 1) {
    const id = `00000000-0000-4000-8000-${index.toString().padStart(12, '0')}`;
    if (armFor(id, campaignId, HOLDOUT, controlShare) === arm) return id;
  }
  throw new Error(`no install in the ${arm} arm`);
}

const environment = {
  os: 'linux',
  osVersion: '6.1',
  locale: 'en',
  region: 'US',
  appVersion: '1.0.0',
  daysSinceInstall: 3,
  crmSegments: [],
} as const;

/** A ledger on disk holding these records, as the app would have written them. */
function ledgerWith(records: readonly LedgerRecord[] = []): Ledger {
  const ledger = openLedgerSync(tempDir('trayside-roi-ledger-'));
  for (const record of records) void ledger.append(record);
  return ledger;
}

/** Plans against the ledger, applies the plan to it (as the message service does), and answers what happened. */
function run(messages: ManifestMessage[], options: { installId: string; ledger?: Ledger; now?: number; holdout?: Holdout }) {
  const ledger = options.ledger ?? ledgerWith();
  const now = options.now ?? NOW;
  const input: DeliveryInput = {
    manifest: testManifest(now - HOUR, { messages, ...(options.holdout ? { holdout: options.holdout } : {}) }),
    rules: new Map(messages.map((message) => [message.campaignId, () => true])),
    context: {
      subjects: [{ deviceId: null, context: buildRuleContext(environment, null) }],
      events: [{ type: 'app-start', at: now - 60_000 }],
      region: 'US',
      timeZone: 'UTC',
      installId: options.installId,
    },
    ledger,
    settings: { categories: DEFAULT_SETTINGS.messageCategories, quietHours: null, notificationsPaused: false, frequencyLimit: null },
    policy: { ...DEFAULT_DELIVERY_POLICY, minIntervalMs: 0 },
    now,
  };
  const plan = planDelivery(input);
  const exposures: { campaignId: string; arm: string; trigger: string }[] = [];
  const shown: string[] = [];
  applyDecisions(plan, now, {
    ledger,
    notifier: { ...silentNotifier, show: (notification) => void shown.push(notification.title) },
    log: () => undefined,
    openMessage: () => undefined,
    live: () => true,
    productName: 'Trayside',
    exposed: (exposure) => exposures.push({ campaignId: exposure.campaignId, arm: exposure.arm, trigger: exposure.context.trigger }),
  });
  const kinds = plan.decisions.map(
    (decision) => `${decision.message.campaignId}: ${decision.kind}${'reason' in decision ? ` (${decision.reason})` : ''}`,
  );
  return { kinds, ledger, exposures, shown };
}

describe('holdout and control installs: the message is withheld, the "would have shown" exposure recorded', () => {
  const offer = testMessage({ campaignId: 'offer' });

  it('a treated install gets the message; a holdout install gets nothing shown and a withheld record with the trigger', () => {
    const treated = run([offer], { installId: installIn('treated', 'offer'), holdout: HOLDOUT });
    expect(treated.kinds).toEqual(['offer: inbox']);
    expect(treated.exposures).toEqual([{ campaignId: 'offer', arm: 'treated', trigger: 'app-start' }]);

    const held = run([offer], { installId: installIn('holdout', 'offer'), holdout: HOLDOUT });
    expect(held.kinds).toEqual(['offer: withhold']);
    expect(held.ledger.campaign('offer')?.withheld).toEqual([NOW]);
    expect(held.ledger.campaign('offer')?.deliveries).toEqual([]);
    expect(held.exposures).toEqual([{ campaignId: 'offer', arm: 'holdout', trigger: 'app-start' }]);
  });

  it("a campaign's control group is withheld the same way, and its own caps pace the withheld exposures like real ones", () => {
    const controlled = testMessage({
      campaignId: 'nudge',
      controlShare: 0.5,
      caps: { maxImpressions: 3, maxPerDay: 1, cooldownHours: 24 },
    });
    const installId = installIn('control', 'nudge', 0.5);
    const first = run([controlled], { installId, holdout: HOLDOUT });
    expect(first.kinds).toEqual(['nudge: withhold']);
    expect(first.exposures[0]?.arm).toBe('control');
    // An hour later the cooldown counts the withheld exposure: no second "would have shown" today.
    const again = run([controlled], { installId, holdout: HOLDOUT, ledger: first.ledger, now: NOW + HOUR });
    expect(again.kinds[0]).toMatch(/^nudge: hold/);
    expect(again.exposures).toEqual([]);
  });

  it('a service-critical alert is never withheld, not even from the global holdout', async () => {
    const critical = testMessage({ campaignId: 'empty', category: 'service', urgency: 'critical' });
    const result = run([critical], { installId: installIn('holdout', 'empty'), holdout: HOLDOUT });
    expect(result.kinds).toEqual(['empty: notify']);
    // The notification follows the write-ahead record onto disk.
    await result.ledger.durable();
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.shown).toEqual(['Title of empty']);
  });

  it("a withheld message is never in the inbox and does not use up the owner's allowance", () => {
    const installId = installIn('holdout', 'a');
    const a = testMessage({ campaignId: 'a', priority: 200 });
    const first = run([a], { installId, holdout: HOLDOUT });
    expect(first.kinds).toEqual(['a: withhold']);
    expect(first.ledger.deliveries()).toEqual([]);
    // The owner's limit of one message a day is untouched: a campaign outside the holdout's reach still goes out.
    const critical = testMessage({ campaignId: 'recall', category: 'service', urgency: 'critical' });
    expect(run([critical], { installId, holdout: HOLDOUT, ledger: first.ledger }).kinds).toEqual(['recall: notify']);
  });
});

describe('message groups: campaigns of one group share its caps', () => {
  const group = { id: 'reorder-nudges', maxPerDay: 1, maxPerWeek: 2 };
  const installId = installIn('treated', 'x');

  it("the second campaign of a group waits for the group's daily cap; one outside the group goes out", () => {
    const first = testMessage({ campaignId: 'toner', priority: 300, group });
    const second = testMessage({ campaignId: 'paper', priority: 200, group });
    const other = testMessage({ campaignId: 'tip', priority: 100 });
    const result = run([first, second, other], { installId });
    expect(result.kinds).toEqual(['toner: inbox', 'paper: hold (group reorder-nudges: 1 a day)', 'tip: inbox']);
  });

  it('the weekly cap counts the deliveries of the group on disk, across campaigns', () => {
    const records: LedgerRecord[] = [2, 4].map((days) => ({
      type: 'delivered',
      at: NOW - days * DAY,
      campaignId: `old-${days}`,
      messageId: `old-${days}@1`,
      category: 'supplies',
      notified: false,
      group: 'reorder-nudges',
    }));
    const result = run([testMessage({ campaignId: 'toner', group })], { installId, ledger: ledgerWith(records) });
    expect(result.kinds).toEqual(['toner: hold (group reorder-nudges: 2 a week)']);
  });
});

describe('goals: a campaign stops on an install once its goal is reached', () => {
  const installId = installIn('treated', 'x');
  const nudge = testMessage({
    campaignId: 'cyan-nudge',
    goal: 'supply-replaced',
    triggers: [{ type: 'supply-below', supply: { kind: 'ink', color: 'cyan' }, percent: 15 }],
  });
  const delivered: LedgerRecord = {
    type: 'delivered',
    at: NOW - 3 * DAY,
    campaignId: 'cyan-nudge',
    messageId: 'cyan-nudge@1',
    category: 'supplies',
    notified: false,
  };

  it('a replaced cyan cartridge reaches the goal of the cyan nudge the install saw, not of one for black', () => {
    const black = testMessage({
      ...nudge,
      campaignId: 'black-nudge',
      id: 'black-nudge@1',
      triggers: [{ type: 'supply-below', supply: { color: 'black' }, percent: 15 }],
    });
    const ledger = ledgerWith([delivered, { ...delivered, campaignId: 'black-nudge', messageId: 'black-nudge@1' }]);
    const manifest = testManifest(NOW, { messages: [nudge, black] });
    expect(
      campaignsReaching({ goal: 'supply-replaced', supply: { kind: 'ink', color: 'cyan' } }, manifest, (id) => ledger.campaign(id)),
    ).toEqual([{ campaignId: 'cyan-nudge', goal: 'supply-replaced' }]);
  });

  it('a campaign never shown to the install has not started, so nothing stops', () => {
    const manifest = testManifest(NOW, { messages: [nudge] });
    expect(campaignsReaching({ goal: 'supply-replaced', supply: { kind: 'ink', color: 'cyan' } }, manifest, () => undefined)).toEqual([]);
  });

  it('after the goal record the plan skips the campaign with the reason', () => {
    const survey = testMessage({ campaignId: 'survey', goal: 'answered' });
    const records: LedgerRecord[] = [
      { ...delivered, campaignId: 'survey', messageId: 'survey@1' },
      { type: 'read', at: NOW - 2 * DAY, campaignId: 'survey', messageId: 'survey@1' },
      { type: 'goal', at: NOW - DAY, campaignId: 'survey', goal: 'answered' },
    ];
    expect(run([survey], { installId, ledger: ledgerWith(records) }).kinds).toEqual(['survey: skip (already answered)']);
  });
});
