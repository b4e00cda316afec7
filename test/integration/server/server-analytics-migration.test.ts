import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../common/events.js';
import { ANALYTICS_MIGRATIONS, type RetentionResult } from '../../../server/store/analytics-store.js';
import type { SqlDriver } from '../../../server/store/driver.js';
import { MIGRATIONS } from '../../../server/store/migrations.js';
import { openPgliteDriver } from '../../../server/store/pglite-driver.js';
import { openSqlStore } from '../../../server/store/sql-store.js';
import type { Store } from '../../../server/store/store.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 12);
const INSTALLS = [randomUUID(), randomUUID(), randomUUID()];

/**
 * A store made by the previous release (one events table, no rollups) upgraded in place: every
 * row survives, stats give the same numbers from the rollups, idempotency still holds across the
 * move, and the retention job makes partitions ahead and drops old days.
 */
describe('analytics tables upgraded to daily partitions and rollups', () => {
  let driver: SqlDriver;
  let store: Store;
  const oldIds: string[] = [];
  let firstRun: RetentionResult;

  beforeAll(async () => {
    driver = await openPgliteDriver(undefined);
    // The schema as the previous release left it.
    await driver.exec(
      'create table schema_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    for (const migration of [...MIGRATIONS.filter((m) => m.id === 1), ...ANALYTICS_MIGRATIONS.filter((m) => m.id === 100)]) {
      await driver.exec(migration.sql);
      await driver.query('insert into schema_migrations (id, name) values ($1, $2)', [migration.id, migration.name]);
    }
    for (let index = 0; index < 30; index += 1) {
      const id = randomUUID();
      oldIds.push(id);
      const received = new Date(NOW - (index % 3) * DAY - 3 * DAY);
      await driver.query(
        `insert into events (id, install_id, type, campaign_id, variant_id, at, received_at, consent, body) values ($1, $2, $3, 'legacy', 'a', $4, $4, 'anonymous-usage', '{}')`,
        [id, INSTALLS[index % 3], index % 2 === 0 ? 'impression' : 'open', received],
      );
    }
    await driver.query('insert into crm_outbox (event_id, next_attempt_at, delivered_at) values ($1, $2, $2)', [
      oldIds[0],
      new Date(NOW - 30 * DAY),
    ]);
    await driver.query('insert into crm_outbox (event_id, next_attempt_at) values ($1, $2)', [oldIds[1], new Date(NOW)]);
    store = await openSqlStore(driver);
    // What buildServer does at start.
    firstRun = await store.analytics.maintain(new Date(NOW), { eventRetentionDays: 400, outboxRetentionDays: 7 });
  }, 60_000);
  afterAll(() => store.close());

  it('keeps every event and gives the same stats from the rollups', async () => {
    expect(await store.analytics.totalEvents()).toBe(30);
    expect((await store.analytics.storedIds(oldIds)).size).toBe(30);
    const counts = await store.analytics.countEvents('legacy');
    expect(counts.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { variantId: 'a', type: 'impression', count: 15, installs: 3 },
      { variantId: 'a', type: 'open', count: 15, installs: 3 },
    ]);
    // The delivered entry was a month old: the first retention run pruned it.
    expect(await store.analytics.outboxCounts()).toEqual({ pending: 1, delivered: 0, givenUp: 0 });
  });

  it('refuses a migrated event id again, and counts new events and installs incrementally', async () => {
    const event = (id: string): DeviceEvent =>
      ({ id, type: 'impression', at: new Date(NOW).toISOString(), campaignId: 'legacy', variantId: 'a' }) as DeviceEvent;
    expect(
      await store.analytics.insertEvents(INSTALLS[0]!, 'anonymous-usage', [event(oldIds[0]!)], new Date(NOW), { outbox: false }),
    ).toEqual({ accepted: 0, duplicates: 1 });
    const fresh = randomUUID();
    const newcomer = randomUUID();
    expect(
      await store.analytics.insertEvents(newcomer, 'anonymous-usage', [event(fresh), event(randomUUID())], new Date(NOW), { outbox: true }),
    ).toEqual({ accepted: 2, duplicates: 0 });
    expect(await store.analytics.insertEvents(newcomer, 'anonymous-usage', [event(fresh)], new Date(NOW + 1000), { outbox: true })).toEqual(
      { accepted: 0, duplicates: 1 },
    );
    const impressions = (await store.analytics.countEvents('legacy')).find((row) => row.type === 'impression');
    expect(impressions).toEqual({ variantId: 'a', type: 'impression', count: 17, installs: 4 });
  });

  it('makes partitions ahead, then drops days past retention and delivered outbox entries', async () => {
    expect(firstRun.createdPartitions).toEqual(['events_20260310', 'events_20260311', 'events_20260312']);
    expect(firstRun.deletedOutbox).toBe(1);
    // Today's events now land in today's partition.
    await store.analytics.insertEvents(
      INSTALLS[1]!,
      'anonymous-usage',
      [{ id: randomUUID(), type: 'open', at: new Date(NOW).toISOString(), campaignId: 'legacy', variantId: 'a' } as DeviceEvent],
      new Date(NOW),
      { outbox: false },
    );
    const [{ n }] = await driver.query<{ n: number }>('select count(*)::integer as n from events_20260310');
    expect(n).toBe(3);
    // Five days later with a 4-day retention: the migrated rows (received 5–7 March) and the 10 March partition go.
    const later = await store.analytics.maintain(new Date(NOW + 5 * DAY), { eventRetentionDays: 4, outboxRetentionDays: 7 });
    expect(later.droppedPartitions).toEqual(['events_20260310']);
    expect(later.deletedEvents).toBe(30);
    expect(await store.analytics.totalEvents()).toBe(0);
  });
});
