import type { SqlDriver } from './driver.js';

/** Schema changes in order; never edit an applied one, append a new one. */
export const MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'campaigns, publish state, signing keys, tokens',
    // Campaign bodies are JSON text, not jsonb: jsonb refuses \u0000 and reorders keys, and the
    // admin API promises to return text exactly as given.
    sql: `
      create table campaigns (
        id text primary key,
        status text not null check (status in ('draft', 'live', 'archived')),
        revision integer not null,
        body text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        published_revision integer,
        published_body text,
        published_at timestamptz,
        archived_at timestamptz
      );
      create index campaigns_status on campaigns (status);
      create table publish_state (
        id integer primary key check (id = 1),
        version integer not null,
        changed_at timestamptz not null
      );
      insert into publish_state (id, version, changed_at) values (1, 0, now());
      create table publish_log (
        version integer primary key,
        campaign_id text not null,
        action text not null check (action in ('publish', 'archive')),
        revision integer not null,
        at timestamptz not null
      );
      create table signing_keys (
        key_id text primary key,
        public_key text not null,
        private_key text not null,
        created_at timestamptz not null
      );
      create table api_tokens (
        token_hash text primary key,
        role text not null check (role in ('admin', 'device')),
        label text not null,
        created_at timestamptz not null
      );
    `,
  },
];

/** Arbitrary constant for pg_advisory_xact_lock, so nodes starting together migrate one at a time. */
const MIGRATION_LOCK = 7_264_001;

/** Applies the migrations not yet applied; safe to run from several nodes at once. */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  return driver.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec('create table if not exists schema_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())');
    const applied = new Set((await tx.query<{ id: number }>('select id from schema_migrations')).map((row) => row.id));
    const done: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (id, name) values ($1, $2)', [migration.id, migration.name]);
      done.push(migration.id);
    }
    return done;
  });
}
