import { describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../../common/device.js';
import type { DeviceEventDraft } from '../../common/events.js';
import type { Consent } from '../../common/settings.js';
import { classifySupply, type SupplyReading } from '../../common/supply.js';
import { createOutcomeTracker, type Exposure } from './outcomes.js';

const DAY = 86_400_000;

function device(supplies: { id: string; role: 'consumable' | 'receptacle'; percent: number }[]): DeviceSnapshot {
  return {
    id: 'usb:1',
    transport: 'simulated',
    identity: { manufacturer: 'Acme', model: 'Acme Jet 805', commandSet: [] },
    state: 'ok',
    statusLine: 'Ready',
    conditions: [],
    supplies: supplies.map((supply) =>
      classifySupply({
        id: supply.id,
        name: supply.id,
        kind: supply.role === 'receptacle' ? 'waste' : 'ink',
        role: supply.role,
        level: { kind: 'percent', percent: supply.percent },
        lowThreshold: supply.role === 'receptacle' ? 90 : 10,
      } as SupplyReading),
    ),
    facts: {},
    stale: false,
    updatedAt: 0,
  };
}

function harness(consent: Consent = 'anonymous-usage') {
  let now = 0;
  const recorded: DeviceEventDraft[] = [];
  const state = { consent };
  const tracker = createOutcomeTracker({
    engagement: { record: async (draft) => (state.consent === 'none' ? { recorded: false } : (recorded.push(draft), { recorded: true })) },
    consent: () => state.consent,
    clock: { now: () => now },
    genuineOf: (_device, supply) => (supply === 'cyan' ? true : undefined),
  });
  return { tracker, recorded, state, advance: (ms: number) => (now += ms) };
}

const withheld: Exposure = {
  campaignId: 'cyan-low',
  variantId: 'a',
  arm: 'holdout',
  context: { trigger: 'supply-below', supplyId: 'cyan', percent: 15 },
};

describe('outcome tracker', () => {
  it('records would-have-shown for a holdout install and attributes the refill to the holdout, with the time from low', async () => {
    const { tracker, recorded, advance } = harness();
    await tracker.observe(device([{ id: 'cyan', role: 'consumable', percent: 12 }]));
    await tracker.exposed(withheld);
    advance(DAY);
    await tracker.observe(device([{ id: 'cyan', role: 'consumable', percent: 8 }]));
    advance(2 * DAY);
    await tracker.observe(device([{ id: 'cyan', role: 'consumable', percent: 97 }]));
    expect(recorded).toEqual([
      {
        type: 'would-have-shown',
        campaignId: 'cyan-low',
        variantId: 'holdout',
        arm: 'holdout',
        wouldHaveSeen: 'a',
        context: withheld.context,
      },
      expect.objectContaining({
        type: 'replacement',
        variantId: 'holdout',
        arm: 'holdout',
        supplyId: 'cyan',
        change: 'refilled',
        fromPercent: 8,
        toPercent: 97,
        hoursFromLow: 48,
        genuine: true,
        exposedAt: new Date(0).toISOString(),
      }),
    ]);
  });

  it('counts an emptied waste box for the variant shown, records no would-have-shown for it, and nothing outside the window', async () => {
    const { tracker, recorded, advance } = harness();
    await tracker.exposed({ ...withheld, arm: 'treated' });
    await tracker.observe(device([{ id: 'waste', role: 'receptacle', percent: 93 }]));
    advance(DAY);
    await tracker.observe(device([{ id: 'waste', role: 'receptacle', percent: 2 }]));
    expect(recorded).toEqual([
      expect.objectContaining({ type: 'replacement', variantId: 'a', arm: 'treated', change: 'emptied', fromPercent: 7, toPercent: 98 }),
    ]);
    expect(recorded[0]).not.toHaveProperty('genuine');
    advance(40 * DAY);
    await tracker.observe(device([{ id: 'waste', role: 'receptacle', percent: 95 }]));
    advance(DAY);
    await tracker.observe(device([{ id: 'waste', role: 'receptacle', percent: 0 }]));
    expect(recorded).toHaveLength(1);
  });

  it('measures nothing without consent, still keeping the assignment to itself', async () => {
    const { tracker, recorded, advance } = harness('none');
    await tracker.exposed(withheld);
    await tracker.observe(device([{ id: 'cyan', role: 'consumable', percent: 5 }]));
    advance(DAY);
    await tracker.observe(device([{ id: 'cyan', role: 'consumable', percent: 99 }]));
    expect(recorded).toEqual([]);
  });
});
