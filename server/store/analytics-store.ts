import type { DeviceEvent, ReorderItem } from '../../common/events.js';
import type { SqlDriver, SqlExecutor } from './driver.js';

/**
 * Events, the CRM outbox and CRM segments. Kept apart from the campaign store: its own
 * tables and its own migrations (ids from 100), applied with the same lock and bookkeeping table.
 */
export const ANALYTICS_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 100,
    name: 'events, crm outbox, crm segments',
    // `body` is the event's JSON text as received: JSON escapes \u0000, which text and jsonb refuse raw.
    sql: `
      create table events (
        id uuid primary key,
        install_id uuid not null,
        type text not null,
        campaign_id text not null,
        variant_id text not null,
        message_id text,
        at timestamptz not null,
        received_at timestamptz not null,
        consent text not null,
        ref text,
        body text not null
      );
      create index events_by_campaign on events (campaign_id, variant_id, type);
      create index events_by_ref on events (ref) where ref is not null;
      create table crm_outbox (
        event_id uuid primary key references events (id),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        delivered_at timestamptz,
        given_up_at timestamptz,
        last_error text
      );
      create index crm_outbox_due on crm_outbox (next_attempt_at) where delivered_at is null and given_up_at is null;
      create table crm_segments (
        key_type text not null check (key_type in ('install', 'customer')),
        key text not null,
        segment text not null,
        imported_at timestamptz not null,
        primary key (key_type, key, segment)
      );
      create table crm_links (
        customer_id text not null,
        install_id uuid not null,
        imported_at timestamptz not null,
        primary key (customer_id, install_id)
      );
      create index crm_links_by_install on crm_links (install_id);
    `,
  },
  {
    id: 101,
    name: 'events partitioned by day of receipt, event id ledger, install and time indexes, stats rollups',
    // Rows move from the old table to the default partition (days before today); daily partitions
    // take new rows from here on. The primary key of a partitioned table must include the partition
    // key, so event ids (the idempotency key) are kept unique in their own narrow table, which
    // retention prunes with the events. The outbox can no longer reference events by id alone.
    sql: `
      alter table crm_outbox drop constraint if exists crm_outbox_event_id_fkey;
      alter table events rename to events_unpartitioned;
      create table events (
        id uuid not null,
        install_id uuid not null,
        type text not null,
        campaign_id text not null,
        variant_id text not null,
        message_id text,
        at timestamptz not null,
        received_at timestamptz not null,
        consent text not null,
        ref text,
        body text not null
      ) partition by range (received_at);
      create table events_default partition of events default;
      insert into events select id, install_id, type, campaign_id, variant_id, message_id, at, received_at, consent, ref, body from events_unpartitioned;
      create table event_ids (id uuid primary key, received_at timestamptz not null);
      insert into event_ids (id, received_at) select id, received_at from events_unpartitioned;
      create index event_ids_by_received on event_ids (received_at);
      drop table events_unpartitioned;
      create index events_by_campaign on events (campaign_id, variant_id, type);
      create index events_by_ref on events (ref) where ref is not null;
      create index events_by_id on events (id);
      create index events_by_install on events (install_id, at);
      create index events_by_at on events (at);
      create table event_counts (
        campaign_id text not null,
        variant_id text not null,
        type text not null,
        count bigint not null,
        installs bigint not null,
        primary key (campaign_id, variant_id, type)
      );
      create table event_installs (
        campaign_id text not null,
        variant_id text not null,
        type text not null,
        install_id uuid not null,
        primary key (campaign_id, variant_id, type, install_id)
      );
      insert into event_installs select distinct campaign_id, variant_id, type, install_id from events;
      insert into event_counts select campaign_id, variant_id, type, count(*), count(distinct install_id) from events group by campaign_id, variant_id, type;
      create index crm_outbox_done on crm_outbox (delivered_at) where delivered_at is not null;
    `,
  },
  {
    id: 102,
    name: 'crm segments version',
    // One counter for all segment data, bumped by every import and erasure: a device's conditional
    // segment check whose ETag carries the current value is answered 304 from this one row.
    sql: `
      create table crm_segments_state (
        id integer primary key check (id = 1),
        version bigint not null
      );
      insert into crm_segments_state (id, version) values (1, 1);
    `,
  },
];

/** Days of partitions made ahead of time, so an insert never waits for a partition to exist. */
const PARTITION_DAYS_AHEAD = 2;

/** `events_20260310`: the partition of one UTC day. */
function partitionName(dayMs: number): string {
  return `events_${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Start of the UTC day of a partition name, or undefined for other tables (events_default). */
function partitionDay(name: string): number | undefined {
  const match = /^events_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match === null ? undefined : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

const DAY_MS = 86_400_000;

/** Same constant as migrations.ts: analytics migrations wait for campaign migrations on another node. */
const MIGRATION_LOCK = 7_264_001;

async function migrateAnalytics(driver: SqlDriver): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(
      'create table if not exists schema_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const applied = new Set((await tx.query<{ id: number }>('select id from schema_migrations')).map((row) => row.id));
    for (const migration of ANALYTICS_MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (id, name) values ($1, $2)', [migration.id, migration.name]);
    }
  });
}

/** One stored event, as stats and the CRM outbox read it. */
export interface StoredEvent {
  id: string;
  installId: string;
  type: string;
  campaignId: string;
  variantId: string;
  at: Date;
  /** The event JSON as received. */
  body: string;
}

/** An outbox entry claimed for delivery. */
export interface OutboxItem extends StoredEvent {
  attempts: number;
}

/** One row of a segment import: by install id or by customer id, optionally linking the two. */
export interface SegmentMembership {
  installId?: string | undefined;
  customerId?: string | undefined;
  segments: string[];
}

/**
 * The rollup type under which replacements the device reported genuine are counted as well (a
 * replacement event with `genuine: true` counts once under `replacement` and once here). Not an
 * event type: no event is stored with it, so stores from before it simply have none.
 */
export const GENUINE_REPLACEMENT_ROLLUP = 'replacement:genuine';

/** The rollup rows of stored events: each under its type, a genuine replacement under GENUINE_REPLACEMENT_ROLLUP too. */
function rollupRows(
  stored: readonly { id: string; type: string; campaign_id: string; variant_id: string }[],
  events: readonly DeviceEvent[],
): { type: string; campaign_id: string; variant_id: string }[] {
  const byId = new Map(events.map((event) => [event.id, event]));
  const rows: { type: string; campaign_id: string; variant_id: string }[] = [...stored];
  for (const row of stored) {
    const event = byId.get(row.id);
    if (event?.type === 'replacement' && event.genuine === true) rows.push({ ...row, type: GENUINE_REPLACEMENT_ROLLUP });
  }
  return rows;
}

/** Counts per variant and type, plus per-variant distinct installs. */
export interface EventCounts {
  variantId: string;
  type: string;
  count: number;
  installs: number;
}

/** What the retention job did. */
export interface RetentionResult {
  createdPartitions: string[];
  droppedPartitions: string[];
  deletedEvents: number;
  deletedOutbox: number;
}

/** What the analytics routes and the CRM sender need from the database. */
export interface AnalyticsStore {
  /**
   * The daily job: makes the next days' event partitions, drops partitions (and event ids) older
   * than `eventRetentionDays`, and deletes outbox entries delivered or given up more than
   * `outboxRetentionDays` ago. Safe to run from every node at once (one runs, the others wait).
   */
  maintain(now: Date, options: { eventRetentionDays: number; outboxRetentionDays: number }): Promise<RetentionResult>;
  /** Stores new events; an id already stored is a duplicate and changes nothing. With `outbox`, new events are queued for the CRM in the same transaction. */
  insertEvents(
    installId: string,
    consent: string,
    events: readonly DeviceEvent[],
    receivedAt: Date,
    options: { outbox: boolean },
  ): Promise<{ accepted: number; duplicates: number }>;
  /** Records a conversion the store reported against a reorder's `ref`; the id makes a repeated report a duplicate. */
  recordConversion(
    input: { id: string; ref: string; orderId: string; items: readonly ReorderItem[]; at: Date },
    options: { outbox: boolean },
  ): Promise<'recorded' | 'duplicate' | 'unknown-ref'>;
  countEvents(campaignId: string): Promise<EventCounts[]>;
  /** Distinct installs that uploaded any event since `since` (all time when null): those whose owners share usage data. */
  countSharingInstalls(since: Date | null): Promise<number>;
  /** Feedback and reorder/conversion events of a campaign, newest first, at most `limit`. */
  detailEvents(campaignId: string, limit: number): Promise<StoredEvent[]>;
  /** Total stored events (tests, the benchmark). */
  totalEvents(): Promise<number>;
  /** Which of `ids` are stored (tests, support). */
  storedIds(ids: readonly string[]): Promise<Set<string>>;
  /** Claims up to `limit` due outbox entries for `leaseMs` (other nodes skip them meanwhile). */
  claimOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]>;
  markDelivered(ids: readonly string[], now: Date): Promise<void>;
  /** Schedules another attempt, or gives up on entries that reached `maxAttempts`. */
  retryLater(ids: readonly string[], next: Date, error: string, maxAttempts: number, now: Date): Promise<void>;
  outboxCounts(): Promise<{ pending: number; delivered: number; givenUp: number }>;
  /** Replaces the memberships of every install and customer named in `rows`; rows with both ids also link them. */
  importSegments(rows: readonly SegmentMembership[], now: Date): Promise<{ keys: number; memberships: number; links: number }>;
  /** Segments of an install: its own and those of customers linked to it, sorted. */
  segmentsFor(installId: string): Promise<string[]>;
  /** Changes with every import and erasure of segment data (one row read); read it before `segmentsFor`. */
  segmentsVersion(): Promise<number>;
}

interface EventRow {
  id: string;
  install_id: string;
  type: string;
  campaign_id: string;
  variant_id: string;
  at: Date | string;
  body: string;
}

function toStored(row: EventRow): StoredEvent {
  return {
    id: row.id,
    installId: row.install_id,
    type: row.type,
    campaignId: row.campaign_id,
    variantId: row.variant_id,
    at: new Date(row.at),
    body: row.body,
  };
}

/** New ids claim their place in the id ledger first; only those are stored (one statement, so a racing duplicate waits on the ledger's key). */
const INSERT_EVENTS = `
  with fresh as (
    insert into event_ids (id, received_at) select id, $3::timestamptz from unnest($1::uuid[]) as ids (id)
    on conflict (id) do nothing returning id
  )
  insert into events (id, install_id, type, campaign_id, variant_id, message_id, at, received_at, consent, ref, body)
  select input.id, $2::uuid, type, campaign_id, variant_id, message_id, at, $3::timestamptz, $4, ref, body
  from unnest($1::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::text[])
    as input (id, type, campaign_id, variant_id, message_id, at, ref, body)
  join fresh on fresh.id = input.id
  returning id, type, campaign_id, variant_id`;

/**
 * Keeps the stats rollups current in the inserting transaction: counts per (campaign, variant,
 * type), and distinct installs through event_installs, whose new rows raise `installs`. Stats then
 * read a few rows instead of counting distinct installs over every event.
 */
async function rollUp(
  tx: SqlExecutor,
  installId: string,
  stored: readonly { type: string; campaign_id: string; variant_id: string }[],
): Promise<void> {
  if (stored.length === 0) return;
  const groups = new Map<string, { campaignId: string; variantId: string; type: string; count: number }>();
  for (const row of stored) {
    const key = JSON.stringify([row.campaign_id, row.variant_id, row.type]);
    const group = groups.get(key) ?? { campaignId: row.campaign_id, variantId: row.variant_id, type: row.type, count: 0 };
    group.count += 1;
    groups.set(key, group);
  }
  const list = [...groups.values()];
  await tx.query(
    `with fresh as (
       insert into event_installs (campaign_id, variant_id, type, install_id)
       select campaign_id, variant_id, type, $5::uuid from unnest($1::text[], $2::text[], $3::text[]) as input (campaign_id, variant_id, type)
       on conflict do nothing returning campaign_id, variant_id, type
     )
     insert into event_counts (campaign_id, variant_id, type, count, installs)
     select input.campaign_id, input.variant_id, input.type, input.count,
            (select count(*) from fresh where fresh.campaign_id = input.campaign_id and fresh.variant_id = input.variant_id and fresh.type = input.type)
     from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as input (campaign_id, variant_id, type, count)
     on conflict (campaign_id, variant_id, type) do update
       set count = event_counts.count + excluded.count, installs = event_counts.installs + excluded.installs`,
    [
      list.map((group) => group.campaignId),
      list.map((group) => group.variantId),
      list.map((group) => group.type),
      list.map((group) => group.count),
      installId,
    ],
  );
}

/** Every write to crm_segments or crm_links runs this in its transaction (segment ETags carry the version). */
export const BUMP_SEGMENTS_VERSION = 'update crm_segments_state set version = version + 1 where id = 1';

/** Rows per statement of a segment import: bounded parameter arrays, one round trip per chunk. */
const IMPORT_CHUNK = 5000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

async function enqueueOutbox(tx: SqlExecutor, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    'insert into crm_outbox (event_id, next_attempt_at) select id, $2 from unnest($1::uuid[]) as input (id) on conflict do nothing',
    [ids, now],
  );
}

/** Another advisory lock: the retention job runs on one node at a time. */
const MAINTENANCE_LOCK = 7_264_002;

/** Opens the analytics part of the store on a driver (migrates first). */
export async function openAnalyticsStore(driver: SqlDriver): Promise<AnalyticsStore> {
  await migrateAnalytics(driver);
  return {
    async insertEvents(installId, consent, events, receivedAt, options) {
      if (events.length === 0) return { accepted: 0, duplicates: 0 };
      // One event id twice in one batch would make unnest insert conflict with itself: keep the first.
      const unique = [...new Map(events.map((event) => [event.id, event])).values()];
      return driver.transaction(async (tx) => {
        const rows = await tx.query<{ id: string; type: string; campaign_id: string; variant_id: string }>(INSERT_EVENTS, [
          unique.map((event) => event.id),
          installId,
          receivedAt,
          consent,
          unique.map((event) => event.type),
          unique.map((event) => event.campaignId),
          unique.map((event) => event.variantId),
          unique.map((event) => event.messageId ?? null),
          unique.map((event) => event.at),
          unique.map((event) => (event.type === 'reorder' ? event.ref : null)),
          unique.map((event) => JSON.stringify(event)),
        ]);
        await rollUp(tx, installId, rollupRows(rows, unique));
        if (options.outbox)
          await enqueueOutbox(
            tx,
            rows.map((row) => row.id),
            receivedAt,
          );
        return { accepted: rows.length, duplicates: events.length - rows.length };
      });
    },

    async recordConversion(input, options) {
      return driver.transaction(async (tx) => {
        const reorders = await tx.query<EventRow>(
          "select id, install_id, type, campaign_id, variant_id, at, body from events where ref = $1 and type = 'reorder' order by at limit 1",
          [input.ref],
        );
        const reorder = reorders[0];
        if (reorder === undefined) return 'unknown-ref';
        const body = JSON.stringify({
          id: input.id,
          type: 'conversion',
          at: input.at.toISOString(),
          campaignId: reorder.campaign_id,
          variantId: reorder.variant_id,
          ref: input.ref,
          orderId: input.orderId,
          items: input.items,
        });
        const fresh = await tx.query('insert into event_ids (id, received_at) values ($1, $2) on conflict (id) do nothing returning id', [
          input.id,
          input.at,
        ]);
        if (fresh.length === 0) return 'duplicate';
        await tx.query(
          `insert into events (id, install_id, type, campaign_id, variant_id, at, received_at, consent, ref, body)
           select $1, install_id, 'conversion', campaign_id, variant_id, $2, $2, consent, $3, $4 from events where id = $5 limit 1`,
          [input.id, input.at, input.ref, body, reorder.id],
        );
        await rollUp(tx, reorder.install_id, [{ type: 'conversion', campaign_id: reorder.campaign_id, variant_id: reorder.variant_id }]);
        if (options.outbox) await enqueueOutbox(tx, [input.id], input.at);
        return 'recorded';
      });
    },

    async countEvents(campaignId) {
      const rows = await driver.query<{ variant_id: string; type: string; count: number | string; installs: number | string }>(
        'select variant_id, type, count, installs from event_counts where campaign_id = $1',
        [campaignId],
      );
      return rows.map((row) => ({ variantId: row.variant_id, type: row.type, count: Number(row.count), installs: Number(row.installs) }));
    },

    async countSharingInstalls(since) {
      const rows = await driver.query<{ installs: number | string }>(
        'select count(distinct install_id) as installs from events where received_at >= $1',
        [since ?? new Date(0)],
      );
      return Number(rows[0]!.installs);
    },

    async detailEvents(campaignId, limit) {
      const rows = await driver.query<EventRow>(
        "select id, install_id, type, campaign_id, variant_id, at, body from events where campaign_id = $1 and type in ('feedback', 'reorder', 'click') order by at desc, id limit $2",
        [campaignId, limit],
      );
      return rows.map(toStored);
    },

    async totalEvents() {
      const rows = await driver.query<{ count: number | string }>('select count(*) as count from events');
      return Number(rows[0]!.count);
    },

    async storedIds(ids) {
      const rows = await driver.query<{ id: string }>('select id from events where id = any($1::uuid[])', [ids]);
      return new Set(rows.map((row) => row.id));
    },

    async claimOutbox(now, limit, leaseMs) {
      return driver.transaction(async (tx) => {
        const rows = await tx.query<EventRow & { attempts: number }>(
          `with due as (
             select event_id from crm_outbox
             where delivered_at is null and given_up_at is null and next_attempt_at <= $1
             order by next_attempt_at limit $2 for update skip locked
           ), claimed as (
             update crm_outbox o set attempts = o.attempts + 1, next_attempt_at = $3
             from due where o.event_id = due.event_id returning o.event_id, o.attempts
           )
           select e.id, e.install_id, e.type, e.campaign_id, e.variant_id, e.at, e.body, claimed.attempts
           from claimed join events e on e.id = claimed.event_id order by e.at, e.id`,
          [now, limit, new Date(now.getTime() + leaseMs)],
        );
        return rows.map((row) => ({ ...toStored(row), attempts: row.attempts }));
      });
    },

    async markDelivered(ids, now) {
      if (ids.length === 0) return;
      await driver.query('update crm_outbox set delivered_at = $2, last_error = null where event_id = any($1::uuid[])', [ids, now]);
    },

    async retryLater(ids, next, error, maxAttempts, now) {
      if (ids.length === 0) return;
      await driver.query(
        `update crm_outbox set next_attempt_at = $2::timestamptz, last_error = $3::text,
           given_up_at = case when attempts >= $4::integer then $5::timestamptz else null end
         where event_id = any($1::uuid[]) and delivered_at is null`,
        [ids, next, error.slice(0, 500), maxAttempts, now],
      );
    },

    async outboxCounts() {
      const rows = await driver.query<{ pending: string | number; delivered: string | number; given_up: string | number }>(
        `select count(*) filter (where delivered_at is null and given_up_at is null) as pending,
                count(*) filter (where delivered_at is not null) as delivered,
                count(*) filter (where given_up_at is not null) as given_up from crm_outbox`,
      );
      const row = rows[0]!;
      return { pending: Number(row.pending), delivered: Number(row.delivered), givenUp: Number(row.given_up) };
    },

    async importSegments(rows, now) {
      // Grouped in memory (the body limit bounds it), then written a chunk of keys per statement: a
      // 10,000-row import is a handful of round trips, not 20,000.
      const keys = new Map<string, { type: 'install' | 'customer'; key: string; segments: Set<string> }>();
      const links = new Map<string, { customerId: string; installId: string }>();
      for (const row of rows) {
        // A row with both ids is about the customer; it also says which install is theirs.
        const type = row.customerId !== undefined ? 'customer' : 'install';
        const key = type === 'customer' ? row.customerId! : row.installId!;
        const entry = keys.get(`${type}:${key}`) ?? { type, key, segments: new Set<string>() };
        for (const segment of row.segments) entry.segments.add(segment);
        keys.set(`${type}:${key}`, entry);
        if (row.customerId !== undefined && row.installId !== undefined)
          links.set(`${row.customerId} ${row.installId}`, { customerId: row.customerId, installId: row.installId });
      }
      return driver.transaction(async (tx) => {
        let linked = 0;
        for (const chunk of chunks([...links.values()], IMPORT_CHUNK)) {
          const inserted = await tx.query(
            `insert into crm_links (customer_id, install_id, imported_at) select customer_id, install_id, $3 from unnest($1::text[], $2::uuid[]) as input (customer_id, install_id)
             on conflict do nothing returning customer_id`,
            [chunk.map((link) => link.customerId), chunk.map((link) => link.installId), now],
          );
          linked += inserted.length;
        }
        let memberships = 0;
        for (const chunk of chunks([...keys.values()], IMPORT_CHUNK)) {
          await tx.query(
            'delete from crm_segments s using unnest($1::text[], $2::text[]) as input (key_type, key) where s.key_type = input.key_type and s.key = input.key',
            [chunk.map((entry) => entry.type), chunk.map((entry) => entry.key)],
          );
          const flat = chunk.flatMap((entry) => [...entry.segments].map((segment) => ({ type: entry.type, key: entry.key, segment })));
          for (const part of chunks(flat, IMPORT_CHUNK * 4)) {
            await tx.query(
              'insert into crm_segments (key_type, key, segment, imported_at) select key_type, key, segment, $4 from unnest($1::text[], $2::text[], $3::text[]) as input (key_type, key, segment)',
              [part.map((item) => item.type), part.map((item) => item.key), part.map((item) => item.segment), now],
            );
          }
          memberships += flat.length;
        }
        await tx.query(BUMP_SEGMENTS_VERSION);
        return { keys: keys.size, memberships, links: linked };
      });
    },

    async maintain(now, options) {
      return driver.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
        const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
        const existing = new Set(
          (
            await tx.query<{ name: string }>(
              "select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'events'",
            )
          ).map((row) => row.name),
        );
        const createdPartitions: string[] = [];
        for (let day = 0; day <= PARTITION_DAYS_AHEAD; day += 1) {
          const start = today + day * DAY_MS;
          const name = partitionName(start);
          if (existing.has(name)) continue;
          // Rows of that day already in the default partition (the job did not run for a while) would make this fail; they stay there and retention still reaches them.
          const stray = await tx.query('select 1 from events_default where received_at >= $1 and received_at < $2 limit 1', [
            new Date(start),
            new Date(start + DAY_MS),
          ]);
          if (stray.length > 0) continue;
          await tx.exec(
            `create table ${name} partition of events for values from ('${new Date(start).toISOString()}') to ('${new Date(start + DAY_MS).toISOString()}')`,
          );
          createdPartitions.push(name);
        }
        const cutoff = today - options.eventRetentionDays * DAY_MS;
        const droppedPartitions: string[] = [];
        for (const name of existing) {
          const day = partitionDay(name);
          if (day === undefined || day + DAY_MS > cutoff) continue;
          await tx.exec(`drop table ${name}`);
          droppedPartitions.push(name);
        }
        const cutoffDate = new Date(cutoff);
        const deletedEvents = (await tx.query('delete from events_default where received_at < $1 returning 1', [cutoffDate])).length;
        await tx.query('delete from event_ids where received_at < $1', [cutoffDate]);
        // Entries whose event is gone go too; delivered and given-up ones after their own, shorter, retention.
        const outboxCutoff = new Date(now.getTime() - options.outboxRetentionDays * DAY_MS);
        const deletedOutbox = (
          await tx.query(
            `delete from crm_outbox o where (o.delivered_at < $1 or o.given_up_at < $1)
               or not exists (select 1 from event_ids e where e.id = o.event_id) returning 1`,
            [outboxCutoff],
          )
        ).length;
        return { createdPartitions, droppedPartitions, deletedEvents, deletedOutbox };
      });
    },

    async segmentsVersion() {
      const rows = await driver.query<{ version: string | number }>('select version from crm_segments_state where id = 1');
      return Number(rows[0]?.version ?? 0);
    },

    async segmentsFor(installId) {
      const rows = await driver.query<{ segment: string }>(
        `select segment from crm_segments where key_type = 'install' and key = $1
         union
         select s.segment from crm_links l join crm_segments s on s.key_type = 'customer' and s.key = l.customer_id where l.install_id = $2
         order by segment`,
        [installId, installId],
      );
      return rows.map((row) => row.segment);
    },
  };
}
