import { CampaignInputSchema, type CampaignInput, type CampaignRecord, type CampaignStatus } from '../../common/messages/index.js';
import type { SqlDriver, SqlExecutor } from './driver.js';
import { openAnalyticsStore } from './analytics-store.js';
import { openDiagnosticsStore } from './diagnostics-store.js';
import { openPrivacyStore } from './privacy-store.js';
import { migrate } from './migrations.js';
import { StoreError, type LiveCampaign, type PublishState, type Role, type Store, type StoredSigningKey } from './store.js';

interface CampaignRow {
  id: string;
  status: CampaignStatus;
  revision: number;
  body: string;
  created_at: Date | string;
  updated_at: Date | string;
  published_revision: number | null;
  published_body: string | null;
  published_at: Date | string | null;
  archived_at: Date | string | null;
}

const CAMPAIGN_COLUMNS =
  'id, status, revision, body, created_at, updated_at, published_revision, published_body, published_at, archived_at';

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}

/** Stored bodies were validated on the way in; parse again anyway so a bad row is an error, not a bad manifest. */
function parseBody(id: string, body: string): CampaignInput {
  const result = CampaignInputSchema.safeParse(JSON.parse(body));
  if (!result.success) throw new Error(`Stored campaign "${id}" no longer matches the schema: ${result.error.message}`);
  return result.data;
}

function toRecord(row: CampaignRow): CampaignRecord {
  return {
    id: row.id,
    status: row.status,
    revision: row.revision,
    publishedRevision: row.published_revision,
    unpublishedChanges: row.published_revision !== row.revision,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    publishedAt: isoOrNull(row.published_at),
    archivedAt: isoOrNull(row.archived_at),
    campaign: parseBody(row.id, row.body),
  };
}

async function lockedCampaign(tx: SqlExecutor, id: string): Promise<CampaignRow> {
  const rows = await tx.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from campaigns where id = $1 for update`, [id]);
  const row = rows[0];
  if (row === undefined) throw new StoreError('not-found', `No campaign with id "${id}".`);
  return row;
}

/**
 * The next version: one above the highest of the counter, the publish log and `floor` (the highest
 * version a node has served). After a restored backup or a failover to a lagging replica the counter
 * can be behind both; a plain `version + 1` would then collide with the log's primary key (a 500)
 * or hand devices a version they already have and would refuse as a replay.
 */
async function bumpVersion(
  tx: SqlExecutor,
  campaignId: string,
  action: 'publish' | 'archive',
  revision: number,
  now: Date,
  floor: number,
): Promise<number> {
  // The single publish_state row is the lock that keeps versions strictly increasing across nodes.
  const rows = await tx.query<{ version: number }>(
    `update publish_state set version = greatest(version, (select coalesce(max(version), 0) from publish_log), $2::integer) + 1, changed_at = $1
     where id = 1 returning version`,
    [now, floor],
  );
  const version = rows[0]!.version;
  await tx.query('insert into publish_log (version, campaign_id, action, revision, at) values ($1, $2, $3, $4, $5)', [
    version,
    campaignId,
    action,
    revision,
    now,
  ]);
  return version;
}

async function currentVersion(tx: SqlExecutor): Promise<PublishState> {
  const rows = await tx.query<{ version: number; changed_at: Date | string }>('select version, changed_at from publish_state where id = 1');
  const row = rows[0]!;
  return { version: row.version, changedAt: new Date(row.changed_at) };
}

/** A Store over any SqlDriver: the same SQL runs on PGlite and PostgreSQL. */
export async function openSqlStore(driver: SqlDriver): Promise<Store> {
  await migrate(driver);
  const analytics = await openAnalyticsStore(driver);
  /** The highest version this process's manifest service has served (noteVersionSeen). */
  let versionFloor = 0;
  return {
    kind: driver.kind,
    health: driver.health,
    analytics,
    diagnostics: openDiagnosticsStore(driver),
    privacy: openPrivacyStore(driver),

    async createCampaign(campaign, now) {
      const rows = await driver.query<CampaignRow>(
        `insert into campaigns (id, status, revision, body, created_at, updated_at) values ($1, 'draft', 1, $2, $3, $3)
         on conflict (id) do nothing returning ${CAMPAIGN_COLUMNS}`,
        [campaign.id, JSON.stringify(campaign), now],
      );
      if (rows[0] === undefined)
        throw new StoreError(
          'conflict',
          `A campaign with id "${campaign.id}" already exists; update it with PUT /v1/admin/campaigns/${campaign.id}.`,
        );
      return toRecord(rows[0]);
    },

    async updateCampaign(id, campaign, now, expectedRevision) {
      return driver.transaction(async (tx) => {
        const row = await lockedCampaign(tx, id);
        if (expectedRevision !== undefined && row.revision !== expectedRevision) {
          throw new StoreError(
            'conflict',
            `Campaign "${id}" is at revision ${row.revision}, not ${expectedRevision}; reload it and apply your change again.`,
          );
        }
        const rows = await tx.query<CampaignRow>(
          `update campaigns set body = $2, revision = revision + 1, updated_at = $3 where id = $1 returning ${CAMPAIGN_COLUMNS}`,
          [id, JSON.stringify(campaign), now],
        );
        return toRecord(rows[0]!);
      });
    },

    async getCampaign(id) {
      const rows = await driver.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from campaigns where id = $1`, [id]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },

    async listCampaigns(status) {
      const rows =
        status === undefined
          ? await driver.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from campaigns order by id`)
          : await driver.query<CampaignRow>(`select ${CAMPAIGN_COLUMNS} from campaigns where status = $1 order by id`, [status]);
      return rows.map(toRecord);
    },

    async publishCampaign(id, now) {
      return driver.transaction(async (tx) => {
        const row = await lockedCampaign(tx, id);
        if (row.status === 'live' && row.published_revision === row.revision) {
          return { record: toRecord(row), version: (await currentVersion(tx)).version };
        }
        const version = await bumpVersion(tx, id, 'publish', row.revision, now, versionFloor);
        const rows = await tx.query<CampaignRow>(
          `update campaigns set status = 'live', published_revision = revision, published_body = body, published_at = $2, archived_at = null
           where id = $1 returning ${CAMPAIGN_COLUMNS}`,
          [id, now],
        );
        return { record: toRecord(rows[0]!), version };
      });
    },

    async archiveCampaign(id, now) {
      return driver.transaction(async (tx) => {
        const row = await lockedCampaign(tx, id);
        if (row.status === 'archived') return { record: toRecord(row), version: (await currentVersion(tx)).version };
        const version =
          row.status === 'live'
            ? await bumpVersion(tx, id, 'archive', row.published_revision ?? row.revision, now, versionFloor)
            : (await currentVersion(tx)).version;
        const rows = await tx.query<CampaignRow>(
          `update campaigns set status = 'archived', archived_at = $2 where id = $1 returning ${CAMPAIGN_COLUMNS}`,
          [id, now],
        );
        return { record: toRecord(rows[0]!), version };
      });
    },

    publishState: () => currentVersion(driver),

    noteVersionSeen(version) {
      versionFloor = Math.max(versionFloor, version);
    },

    async liveCampaigns() {
      return driver.transaction(async (tx) => {
        const state = await currentVersion(tx);
        const rows = await tx.query<{ id: string; published_revision: number; published_body: string; published_at: Date | string }>(
          "select id, published_revision, published_body, published_at from campaigns where status = 'live' order by id",
        );
        const campaigns: LiveCampaign[] = rows.map((row) => ({
          id: row.id,
          revision: row.published_revision,
          publishedAt: new Date(row.published_at),
          campaign: parseBody(row.id, row.published_body),
        }));
        return { ...state, campaigns };
      });
    },

    async signingKey(create, now) {
      const existing = async () =>
        (
          await driver.query<{ key_id: string; public_key: string; private_key: string; created_at: Date | string }>(
            'select key_id, public_key, private_key, created_at from signing_keys order by created_at, key_id limit 1',
          )
        )[0];
      let row = await existing();
      if (row === undefined) {
        const key = create();
        // Two nodes may both create one on first start; the oldest wins and both then read it.
        await driver.query(
          'insert into signing_keys (key_id, public_key, private_key, created_at) values ($1, $2, $3, $4) on conflict do nothing',
          [key.keyId, key.publicKey, key.privateKey, now],
        );
        row = await existing();
      }
      const key: StoredSigningKey = {
        keyId: row!.key_id,
        publicKey: row!.public_key,
        privateKey: row!.private_key,
        createdAt: new Date(row!.created_at),
      };
      return key;
    },

    async tokenRole(tokenHash) {
      const rows = await driver.query<{ role: Role }>('select role from api_tokens where token_hash = $1', [tokenHash]);
      return rows[0]?.role ?? null;
    },

    async addToken(tokenHash, role, label, now) {
      await driver.query('insert into api_tokens (token_hash, role, label, created_at) values ($1, $2, $3, $4) on conflict do nothing', [
        tokenHash,
        role,
        label,
        now,
      ]);
    },

    async countTokens(role) {
      const rows = await driver.query<{ n: number }>('select count(*)::integer as n from api_tokens where role = $1', [role]);
      return rows[0]!.n;
    },

    close: () => driver.close(),
  };
}
