// Genuine replacements in the outcome stats, through the real store (PGlite): the rollup counts a
// replacement its device reported genuine, a deletion request takes its share away again, and the
// admin CLI's table shows the column.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeRowSchema } from '../../../common/analytics.js';
import type { DeviceEvent } from '../../../common/events.js';
import { buildOutcomeStats } from '../../../server/analytics/outcomes.js';
import { formatOutcomes } from '../../../server/analytics/stats-table.js';
import { openStore } from '../../../server/store/open-store.js';
import type { Store } from '../../../server/store/store.js';

const CAMPAIGN = 'ink-low';
let store: Store;

function replacement(variantId: string, genuine: boolean | undefined): DeviceEvent {
  return {
    id: randomUUID(),
    type: 'replacement',
    at: '2026-03-02T10:00:00.000Z',
    campaignId: CAMPAIGN,
    variantId,
    arm: variantId === 'holdout' ? 'holdout' : 'treated',
    supplyId: 'cyan',
    change: 'refilled',
    fromPercent: 6,
    toPercent: 100,
    ...(genuine !== undefined ? { genuine } : {}),
    exposedAt: '2026-03-01T10:00:00.000Z',
  };
}

const impression = (variantId: string): DeviceEvent => ({
  id: randomUUID(),
  type: 'impression',
  at: '2026-03-01T10:00:00.000Z',
  campaignId: CAMPAIGN,
  variantId,
});

async function outcomes() {
  return buildOutcomeStats(await store.analytics.countEvents(CAMPAIGN), ['a']);
}

beforeAll(async () => {
  store = await openStore({});
}, 60_000);

afterAll(async () => {
  await store?.close();
});

describe('genuine replacements in the outcome stats', () => {
  const first = randomUUID();
  const second = randomUUID();
  const withheld = randomUUID();

  it('counts, per row, the replacements whose device reported the new supply genuine', async () => {
    const received = new Date('2026-03-02T10:05:00Z');
    await store.analytics.insertEvents(first, 'anonymous-usage', [impression('a'), replacement('a', true)], received, { outbox: false });
    const repeated = replacement('a', false);
    await store.analytics.insertEvents(second, 'anonymous-usage', [impression('a'), repeated, replacement('a', undefined)], received, {
      outbox: false,
    });
    // A duplicate upload changes nothing.
    await store.analytics.insertEvents(second, 'anonymous-usage', [repeated], received, { outbox: false });
    await store.analytics.insertEvents(withheld, 'anonymous-usage', [replacement('holdout', true)], received, { outbox: false });
    const stats = await outcomes();
    expect(stats.variants[0]).toMatchObject({ variantId: 'a', replacements: 3, genuineReplacements: 1, replacedInstalls: 2 });
    expect(stats.total).toMatchObject({ replacements: 3, genuineReplacements: 1 });
    expect(stats.holdout).toMatchObject({ replacements: 1, genuineReplacements: 1 });
    expect(stats.withheld.genuineReplacements).toBe(1);

    const printed = formatOutcomes(stats).join('\n');
    expect(printed).toMatch(
      /^outcomes\s+exposures\s+would-have\s+installs\s+clicks\s+reorders\s+feedback\s+replaced\s+genuine\s+repl\. inst\./m,
    );
    expect(printed).toMatch(/^a\s+2\s+0\s+2\s+0\s+0\s+0\s+3\s+1\s+2\s/m);
    expect(printed).toContain('"genuine" counts the replacements whose device reported the new supply genuine');
  });

  it("loses an install's genuine replacements with its usage data when the owner asks for deletion", async () => {
    const id = randomUUID();
    const now = new Date('2026-03-03T10:00:00Z');
    await store.privacy.createRequest({ id, installId: first, kind: 'deletion', scopes: ['usage'] }, now);
    await store.privacy.complete(first, id, now, { crm: false });
    const stats = await outcomes();
    expect(stats.variants[0]).toMatchObject({ replacements: 2, genuineReplacements: 0, replacedInstalls: 1 });
  });

  it('reads an outcome row from a server before the count as 0 genuine replacements', () => {
    const old = {
      variantId: 'a',
      exposures: 1,
      wouldHaveShown: 0,
      exposedInstalls: 1,
      clicks: 0,
      reorders: 0,
      feedback: 0,
      replacements: 1,
      replacedInstalls: 1,
      replacementRate: 1,
      uplift: null,
    };
    expect(OutcomeRowSchema.parse(old).genuineReplacements).toBe(0);
  });
});
