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
  {
    // 200, not 2: the fleet-scale migrations take the small numbers; ids only need to be unique and ordered.
    id: 200,
    name: 'diagnostics cases, support tokens and sessions, case access log',
    // The bundle is kept gzip-compressed exactly as uploaded (the raw download is that text); the
    // access log keeps the code as text with no foreign key, so it outlives the case it records.
    sql: `
      create table diagnostics_cases (
        code text primary key,
        delete_token_hash text not null,
        install_id text,
        idempotency_key text,
        content_hash text not null,
        uploaded_at timestamptz not null,
        expires_at timestamptz not null,
        compressed bytea not null,
        bytes integer not null,
        summary text not null
      );
      create unique index diagnostics_cases_idempotency on diagnostics_cases ((coalesce(install_id, '')), idempotency_key) where idempotency_key is not null;
      create index diagnostics_cases_expiry on diagnostics_cases (expires_at);
      create table support_tokens (
        id text primary key,
        token_hash text not null unique,
        name text not null,
        created_at timestamptz not null,
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      create table support_sessions (
        session_hash text primary key,
        token_id text not null references support_tokens (id),
        created_at timestamptz not null,
        expires_at timestamptz not null
      );
      create index support_sessions_by_token on support_sessions (token_id);
      create table case_access_log (
        id bigserial primary key,
        at timestamptz not null,
        case_code text not null,
        token_id text not null,
        token_name text not null,
        action text not null check (action in ('open', 'download')),
        remote text
      );
      create index case_access_log_by_code on case_access_log (case_code, at);
    `,
  },
  {
    id: 201,
    name: 'support token scopes',
    // Scopes as a comma-separated list ('open', 'download'): tokens made before scopes keep both.
    sql: `alter table support_tokens add column scopes text not null default 'open,download';`,
  },
  {
    id: 300,
    name: 'install credentials (hashed), privacy requests with receipts and CRM deletion notices',
    // Only the SHA-256 of a credential is kept: a leaked database cannot speak for an install.
    // A request row is the receipt the device polls and, for a deletion, the CRM notice's outbox
    // (crm_state null: no CRM configured when it was made).
    sql: `
      create table install_credentials (
        install_id text primary key,
        credential_hash text not null,
        registered_at timestamptz not null
      );
      create table privacy_requests (
        id uuid primary key,
        install_id text not null,
        kind text not null check (kind in ('export', 'deletion')),
        scopes text not null,
        status text not null check (status in ('pending', 'completed')),
        requested_at timestamptz not null,
        completed_at timestamptz,
        counts text,
        export_body text,
        crm_state text check (crm_state in ('pending', 'delivered', 'given-up')),
        crm_attempts integer not null default 0,
        crm_next_attempt_at timestamptz,
        crm_last_error text
      );
      create index privacy_requests_by_install on privacy_requests (install_id, requested_at);
      create index privacy_requests_crm_due on privacy_requests (crm_next_attempt_at) where crm_state = 'pending';
    `,
  },
];

/** Arbitrary constant for pg_advisory_xact_lock, so nodes starting together migrate one at a time. */
const MIGRATION_LOCK = 7_264_001;

/** Applies the migrations not yet applied; safe to run from several nodes at once. */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  return driver.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(
      'create table if not exists schema_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
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
