import type { DataScope, PrivacyCounts, PrivacyExport, PrivacyReceipt } from '../../common/privacy.js';
import type { SqlDriver, SqlExecutor } from './driver.js';
import { BUMP_SEGMENTS_VERSION, GENUINE_REPLACEMENT_ROLLUP } from './analytics-store.js';

/** A deletion the CRM has to hear about (server/crm/webhook.ts). */
export interface DeletionNotice {
  requestId: string;
  installId: string;
  scopes: DataScope[];
  completedAt: Date;
  attempts: number;
}

/**
 * Install credentials and the owner's export and deletion requests (migration 300 in
 * migrations.ts). Deletion reaches into the analytics and diagnostics tables by install id, in
 * one transaction with the receipt, so a receipt says "completed" only when the data is gone.
 */
export interface PrivacyStore {
  /** First registration wins; the same hash again is `already-registered`, another hash is `conflict`. */
  registerInstall(installId: string, credentialHash: string, now: Date): Promise<'registered' | 'already-registered' | 'conflict'>;
  /** The stored credential hash of an install, or null when it never registered. */
  credentialHash(installId: string): Promise<string | null>;
  /** Records a request as pending; the same id again returns the stored receipt (`other-install` when the id is another install's). */
  createRequest(
    input: { id: string; installId: string; kind: PrivacyReceipt['kind']; scopes: readonly DataScope[] },
    now: Date,
  ): Promise<PrivacyReceipt | 'other-install'>;
  /** Does the work of a pending request and completes it; a completed one is returned as it is. `crm` queues a deletion notice. */
  complete(installId: string, id: string, now: Date, options: { crm: boolean }): Promise<PrivacyReceipt | null>;
  receipt(installId: string, id: string): Promise<PrivacyReceipt | null>;
  receipts(installId: string): Promise<PrivacyReceipt[]>;
  /** The JSON text of a completed export (null when unknown, pending, or erased by a later deletion). */
  exportBody(installId: string, id: string): Promise<string | null>;
  /** Claims due deletion notices for `leaseMs`. */
  claimDeletionNotices(now: Date, limit: number, leaseMs: number): Promise<DeletionNotice[]>;
  markNoticesDelivered(ids: readonly string[], now: Date): Promise<void>;
  retryNotices(ids: readonly string[], next: Date, error: string, maxAttempts: number): Promise<void>;
  crmNoticeCounts(): Promise<{ pending: number; delivered: number; givenUp: number }>;
}

interface RequestRow {
  id: string;
  install_id: string;
  kind: PrivacyReceipt['kind'];
  scopes: string;
  status: PrivacyReceipt['status'];
  requested_at: Date | string;
  completed_at: Date | string | null;
  counts: string | null;
}

const REQUEST_COLUMNS = 'id, install_id, kind, scopes, status, requested_at, completed_at, counts';

function toReceipt(row: RequestRow): PrivacyReceipt {
  return {
    id: row.id,
    installId: row.install_id,
    kind: row.kind,
    scopes: JSON.parse(row.scopes) as DataScope[],
    status: row.status,
    requestedAt: new Date(row.requested_at).toISOString(),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at).toISOString(),
    counts: row.counts === null ? null : (JSON.parse(row.counts) as PrivacyCounts),
  };
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** Everything held for the install, read in the request's transaction. */
async function gather(tx: SqlExecutor, installId: string, now: Date): Promise<{ body: PrivacyExport; counts: PrivacyCounts }> {
  const events = await tx.query<{ body: string }>('select body from events where install_id = $1::uuid order by at, id', [installId]);
  const segments = await tx.query<{ segment: string }>(
    `select segment from crm_segments where key_type = 'install' and key = $1
     union select s.segment from crm_links l join crm_segments s on s.key_type = 'customer' and s.key = l.customer_id where l.install_id = $1::uuid
     order by segment`,
    [installId],
  );
  const links = await tx.query<{ customer_id: string }>(
    'select customer_id from crm_links where install_id = $1::uuid order by customer_id',
    [installId],
  );
  const outbox = await tx.query<{ event_id: string; attempts: number; delivered_at: Date | null; given_up_at: Date | null }>(
    'select o.event_id, o.attempts, o.delivered_at, o.given_up_at from crm_outbox o where o.event_id in (select id from events where install_id = $1::uuid) order by o.event_id',
    [installId],
  );
  const cases = await tx.query<{ code: string; uploaded_at: Date; expires_at: Date; bytes: number; summary: string }>(
    'select code, uploaded_at, expires_at, bytes, summary from diagnostics_cases where install_id = $1 order by uploaded_at',
    [installId],
  );
  const requests = await tx.query<RequestRow>(
    `select ${REQUEST_COLUMNS} from privacy_requests where install_id = $1 order by requested_at, id`,
    [installId],
  );
  const body: PrivacyExport = {
    installId,
    exportedAt: now.toISOString(),
    events: events.map((row) => JSON.parse(row.body) as unknown),
    segments: segments.map((row) => row.segment),
    customerIds: links.map((row) => row.customer_id),
    outbox: outbox.map((row) => ({
      eventId: row.event_id,
      attempts: row.attempts,
      deliveredAt: iso(row.delivered_at),
      givenUpAt: iso(row.given_up_at),
    })),
    diagnosticsCases: cases.map((row) => ({
      code: row.code,
      uploadedAt: iso(row.uploaded_at)!,
      expiresAt: iso(row.expires_at)!,
      bytes: row.bytes,
      summary: JSON.parse(row.summary) as unknown,
    })),
    requests: requests.map(toReceipt),
  };
  const counts = {
    events: events.length,
    segments: segments.length,
    customerLinks: links.length,
    outbox: outbox.length,
    diagnosticsCases: cases.length,
  };
  return { body, counts };
}

/** Removes the install's data of the scopes; the stats rollups lose its share so totals stay consistent with the events left. */
async function erase(tx: SqlExecutor, installId: string, scopes: readonly DataScope[]): Promise<PrivacyCounts> {
  const counts: PrivacyCounts = { events: 0, segments: 0, customerLinks: 0, outbox: 0, diagnosticsCases: 0 };
  if (scopes.includes('usage')) {
    counts.outbox = (
      await tx.query('delete from crm_outbox where event_id in (select id from events where install_id = $1::uuid) returning 1', [
        installId,
      ])
    ).length;
    await tx.query(
      `with mine as (
         select campaign_id, variant_id, type, count(*) as n from events where install_id = $1::uuid group by campaign_id, variant_id, type
         union all
         select campaign_id, variant_id, $2::text, count(*) from events
         where install_id = $1::uuid and type = 'replacement' and (body::jsonb ->> 'genuine') = 'true' group by campaign_id, variant_id
       )
       update event_counts c set count = greatest(0, c.count - mine.n) from mine
       where c.campaign_id = mine.campaign_id and c.variant_id = mine.variant_id and c.type = mine.type`,
      [installId, GENUINE_REPLACEMENT_ROLLUP],
    );
    await tx.query(
      `with gone as (delete from event_installs where install_id = $1::uuid returning campaign_id, variant_id, type)
       update event_counts c set installs = greatest(0, c.installs - 1) from gone
       where c.campaign_id = gone.campaign_id and c.variant_id = gone.variant_id and c.type = gone.type`,
      [installId],
    );
    counts.events = (await tx.query('delete from events where install_id = $1::uuid returning 1', [installId])).length;
    counts.segments = (await tx.query("delete from crm_segments where key_type = 'install' and key = $1 returning 1", [installId])).length;
    counts.customerLinks = (await tx.query('delete from crm_links where install_id = $1::uuid returning 1', [installId])).length;
    await tx.query(BUMP_SEGMENTS_VERSION);
  }
  if (scopes.includes('support')) {
    counts.diagnosticsCases = (await tx.query('delete from diagnostics_cases where install_id = $1 returning 1', [installId])).length;
  }
  // An earlier export is a copy of the data: it goes with it.
  await tx.query("update privacy_requests set export_body = null where install_id = $1 and kind = 'export'", [installId]);
  return counts;
}

/** Opens the privacy part of the store (its tables come with the main migrations). */
export function openPrivacyStore(driver: SqlDriver): PrivacyStore {
  return {
    async registerInstall(installId, credentialHash, now) {
      const inserted = await driver.query(
        'insert into install_credentials (install_id, credential_hash, registered_at) values ($1, $2, $3) on conflict (install_id) do nothing returning 1',
        [installId, credentialHash, now],
      );
      if (inserted.length > 0) return 'registered';
      return (await this.credentialHash(installId)) === credentialHash ? 'already-registered' : 'conflict';
    },

    async credentialHash(installId) {
      const rows = await driver.query<{ credential_hash: string }>(
        'select credential_hash from install_credentials where install_id = $1',
        [installId],
      );
      return rows[0]?.credential_hash ?? null;
    },

    async createRequest(input, now) {
      const rows = await driver.query<RequestRow>(
        `insert into privacy_requests (id, install_id, kind, scopes, status, requested_at) values ($1, $2, $3, $4, 'pending', $5)
         on conflict (id) do nothing returning ${REQUEST_COLUMNS}`,
        [input.id, input.installId, input.kind, JSON.stringify([...input.scopes].sort()), now],
      );
      if (rows[0] !== undefined) return toReceipt(rows[0]);
      const existing = await driver.query<RequestRow>(`select ${REQUEST_COLUMNS} from privacy_requests where id = $1`, [input.id]);
      const row = existing[0];
      return row === undefined || row.install_id !== input.installId ? 'other-install' : toReceipt(row);
    },

    async complete(installId, id, now, options) {
      return driver.transaction(async (tx) => {
        const rows = await tx.query<RequestRow>(
          `select ${REQUEST_COLUMNS} from privacy_requests where id = $1 and install_id = $2 for update`,
          [id, installId],
        );
        const row = rows[0];
        if (row === undefined) return null;
        if (row.status === 'completed') return toReceipt(row);
        if (row.kind === 'export') {
          const { body, counts } = await gather(tx, installId, now);
          const done = await tx.query<RequestRow>(
            `update privacy_requests set status = 'completed', completed_at = $2, counts = $3, export_body = $4 where id = $1 returning ${REQUEST_COLUMNS}`,
            [id, now, JSON.stringify(counts), JSON.stringify(body)],
          );
          return toReceipt(done[0]!);
        }
        const counts = await erase(tx, installId, JSON.parse(row.scopes) as DataScope[]);
        const done = await tx.query<RequestRow>(
          `update privacy_requests set status = 'completed', completed_at = $2, counts = $3, crm_state = $4, crm_next_attempt_at = $2 where id = $1 returning ${REQUEST_COLUMNS}`,
          [id, now, JSON.stringify(counts), options.crm ? 'pending' : null],
        );
        return toReceipt(done[0]!);
      });
    },

    async receipt(installId, id) {
      const rows = await driver.query<RequestRow>(`select ${REQUEST_COLUMNS} from privacy_requests where id = $1 and install_id = $2`, [
        id,
        installId,
      ]);
      return rows[0] === undefined ? null : toReceipt(rows[0]);
    },

    async receipts(installId) {
      const rows = await driver.query<RequestRow>(
        `select ${REQUEST_COLUMNS} from privacy_requests where install_id = $1 order by requested_at desc, id limit 50`,
        [installId],
      );
      return rows.map(toReceipt);
    },

    async exportBody(installId, id) {
      const rows = await driver.query<{ export_body: string | null }>(
        "select export_body from privacy_requests where id = $1 and install_id = $2 and kind = 'export' and status = 'completed'",
        [id, installId],
      );
      return rows[0]?.export_body ?? null;
    },

    async claimDeletionNotices(now, limit, leaseMs) {
      return driver.transaction(async (tx) => {
        const rows = await tx.query<{ id: string; install_id: string; scopes: string; completed_at: Date | string; crm_attempts: number }>(
          `with due as (
             select id from privacy_requests where crm_state = 'pending' and crm_next_attempt_at <= $1
             order by crm_next_attempt_at limit $2 for update skip locked
           )
           update privacy_requests p set crm_attempts = p.crm_attempts + 1, crm_next_attempt_at = $3
           from due where p.id = due.id returning p.id, p.install_id, p.scopes, p.completed_at, p.crm_attempts`,
          [now, limit, new Date(now.getTime() + leaseMs)],
        );
        return rows.map((row) => ({
          requestId: row.id,
          installId: row.install_id,
          scopes: JSON.parse(row.scopes) as DataScope[],
          completedAt: new Date(row.completed_at),
          attempts: row.crm_attempts,
        }));
      });
    },

    async markNoticesDelivered(ids) {
      if (ids.length === 0) return;
      await driver.query("update privacy_requests set crm_state = 'delivered', crm_last_error = null where id = any($1::uuid[])", [ids]);
    },

    async retryNotices(ids, next, error, maxAttempts) {
      if (ids.length === 0) return;
      await driver.query(
        `update privacy_requests set crm_next_attempt_at = $2::timestamptz, crm_last_error = $3::text,
           crm_state = case when crm_attempts >= $4::integer then 'given-up' else 'pending' end
         where id = any($1::uuid[]) and crm_state = 'pending'`,
        [ids, next, error.slice(0, 500), maxAttempts],
      );
    },

    async crmNoticeCounts() {
      const rows = await driver.query<{ pending: string | number; delivered: string | number; given_up: string | number }>(
        `select count(*) filter (where crm_state = 'pending') as pending, count(*) filter (where crm_state = 'delivered') as delivered,
                count(*) filter (where crm_state = 'given-up') as given_up from privacy_requests`,
      );
      const row = rows[0]!;
      return { pending: Number(row.pending), delivered: Number(row.delivered), givenUp: Number(row.given_up) };
    },
  };
}
