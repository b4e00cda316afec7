import type { SqlDriver, SqlExecutor } from './driver.js';

/** What the support view lists about a case without opening the bundle. */
export interface CaseSummary {
  appVersion: string;
  host: string;
  platform: string;
  devices: string[];
  capturedAt: number;
}

/** A stored case, as support opens it. */
export interface StoredCase {
  code: string;
  uploadedAt: Date;
  expiresAt: Date;
  /** The bundle's JSON text, gzip-compressed, exactly as uploaded. */
  compressed: Uint8Array;
  /** Bytes of the JSON text (uncompressed). */
  bytes: number;
  summary: CaseSummary;
}

/** A new case to store; the code is tried and a fresh one asked for on a (rare) collision. */
export interface NewCase {
  newCode(): string;
  deleteTokenHash: string;
  installId: string | null;
  idempotencyKey: string | null;
  /** SHA-256 of the JSON text: the same idempotency key with another bundle is a conflict. */
  contentHash: string;
  uploadedAt: Date;
  expiresAt: Date;
  compressed: Uint8Array;
  bytes: number;
  summary: CaseSummary;
}

/** What a support token may do: open a case in the view, download its raw bundle. */
export const SUPPORT_SCOPES = ['open', 'download'] as const;
export type SupportScope = (typeof SUPPORT_SCOPES)[number];

/** A support token as admins list it (never the token itself, which is stored only hashed). */
export interface SupportTokenInfo {
  id: string;
  name: string;
  scopes: SupportScope[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** One line of the access log: who opened which case, when, and how. */
export interface AccessLogEntry {
  at: Date;
  caseCode: string;
  tokenId: string;
  tokenName: string;
  action: 'open' | 'download';
  remote: string | null;
}

/** Diagnostics cases, support tokens, support sessions and the case access log (migration 200 in migrations.ts). */
export interface DiagnosticsStore {
  /**
   * Stores a case in one statement (nothing half-stored). With an idempotency key already used by
   * the install for the same content, answers that case again with `deleteTokenHash` as its new
   * delete token (the first answer was lost, or the app would not retry); another content → 'conflict'.
   */
  insertCase(input: NewCase): Promise<{ status: 'created' | 'repeated'; code: string; expiresAt: Date } | { status: 'conflict' }>;
  /** A case that has not expired, or null (unknown and expired look the same to callers). */
  getCase(code: string, now: Date): Promise<StoredCase | null>;
  /** Deletes a case when the token hash matches; false when unknown, expired or not this token. */
  deleteCase(code: string, deleteTokenHash: string, now: Date): Promise<boolean>;
  /** Deletes expired cases and sessions; returns how many cases went. */
  prune(now: Date): Promise<number>;
  /** Cases stored and not expired (for an operator's overview, and to check nothing was half-stored). */
  countCases(now: Date): Promise<number>;

  addSupportToken(id: string, tokenHash: string, name: string, scopes: readonly SupportScope[], now: Date): Promise<SupportTokenInfo>;
  listSupportTokens(): Promise<SupportTokenInfo[]>;
  /** Revokes a token and ends its sessions; null when there is no such token. */
  revokeSupportToken(id: string, now: Date): Promise<SupportTokenInfo | null>;
  /** The live (not revoked) support token with this hash; marks it used. */
  supportTokenByHash(tokenHash: string, now: Date): Promise<SupportTokenInfo | null>;

  createSession(sessionHash: string, tokenId: string, now: Date, expiresAt: Date): Promise<void>;
  /** The token behind a live session of a live token, or null. */
  sessionToken(sessionHash: string, now: Date): Promise<SupportTokenInfo | null>;
  endSession(sessionHash: string): Promise<void>;

  logAccess(entry: AccessLogEntry): Promise<void>;
  /** Newest first; only one case's entries when `code` is given. */
  accessLog(code: string | undefined, limit: number): Promise<AccessLogEntry[]>;
}

type Time = Date | string;
const time = (value: Time): Date => new Date(value);
const timeOrNull = (value: Time | null): Date | null => (value === null ? null : new Date(value));

interface TokenRow {
  id: string;
  name: string;
  scopes: string;
  created_at: Time;
  revoked_at: Time | null;
  last_used_at: Time | null;
}
const TOKEN_COLUMNS = 'id, name, scopes, created_at, revoked_at, last_used_at';
const toToken = (row: TokenRow): SupportTokenInfo => ({
  id: row.id,
  name: row.name,
  scopes: SUPPORT_SCOPES.filter((scope) => row.scopes.split(',').includes(scope)),
  createdAt: time(row.created_at),
  revokedAt: timeOrNull(row.revoked_at),
  lastUsedAt: timeOrNull(row.last_used_at),
});

/** PGlite answers bytea as Uint8Array, node-postgres as Buffer (a Uint8Array too). */
function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new Error('diagnostics_cases.compressed is not bytea');
}

/** Collisions of 40-bit random codes are rare; five tries make a failure astronomically unlikely. */
const CODE_ATTEMPTS = 5;

async function repeatOf(
  tx: SqlExecutor,
  input: NewCase,
): Promise<{ status: 'repeated'; code: string; expiresAt: Date } | { status: 'conflict' } | null> {
  if (input.idempotencyKey === null) return null;
  const rows = await tx.query<{ code: string; content_hash: string; expires_at: Time }>(
    "select code, content_hash, expires_at from diagnostics_cases where coalesce(install_id, '') = $1 and idempotency_key = $2 for update",
    [input.installId ?? '', input.idempotencyKey],
  );
  const row = rows[0];
  if (row === undefined) return null;
  if (row.content_hash !== input.contentHash) return { status: 'conflict' };
  await tx.query('update diagnostics_cases set delete_token_hash = $2 where code = $1', [row.code, input.deleteTokenHash]);
  return { status: 'repeated', code: row.code, expiresAt: time(row.expires_at) };
}

/** The diagnostics store over the same SQL driver as the rest of the store. */
export function openDiagnosticsStore(driver: SqlDriver): DiagnosticsStore {
  return {
    async insertCase(input) {
      return driver.transaction(async (tx) => {
        const repeated = await repeatOf(tx, input);
        if (repeated !== null) return repeated;
        for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt += 1) {
          const code = input.newCode();
          const rows = await tx.query<{ code: string }>(
            `insert into diagnostics_cases (code, delete_token_hash, install_id, idempotency_key, content_hash, uploaded_at, expires_at, compressed, bytes, summary)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (code) do nothing returning code`,
            [
              code,
              input.deleteTokenHash,
              input.installId,
              input.idempotencyKey,
              input.contentHash,
              input.uploadedAt,
              input.expiresAt,
              input.compressed,
              input.bytes,
              JSON.stringify(input.summary),
            ],
          );
          if (rows[0] !== undefined) return { status: 'created' as const, code, expiresAt: input.expiresAt };
        }
        throw new Error(`No free case code after ${CODE_ATTEMPTS} attempts; the random source is broken.`);
      });
    },

    async getCase(code, now) {
      const rows = await driver.query<{
        code: string;
        uploaded_at: Time;
        expires_at: Time;
        compressed: unknown;
        bytes: number;
        summary: string;
      }>('select code, uploaded_at, expires_at, compressed, bytes, summary from diagnostics_cases where code = $1 and expires_at > $2', [
        code,
        now,
      ]);
      const row = rows[0];
      if (row === undefined) return null;
      return {
        code: row.code,
        uploadedAt: time(row.uploaded_at),
        expiresAt: time(row.expires_at),
        compressed: bytesOf(row.compressed),
        bytes: row.bytes,
        summary: JSON.parse(row.summary) as CaseSummary,
      };
    },

    async deleteCase(code, deleteTokenHash, now) {
      const rows = await driver.query<{ code: string }>(
        'delete from diagnostics_cases where code = $1 and delete_token_hash = $2 and expires_at > $3 returning code',
        [code, deleteTokenHash, now],
      );
      return rows.length > 0;
    },

    async prune(now) {
      return driver.transaction(async (tx) => {
        const rows = await tx.query<{ n: number }>(
          'with gone as (delete from diagnostics_cases where expires_at <= $1 returning 1) select count(*)::integer as n from gone',
          [now],
        );
        await tx.query('delete from support_sessions where expires_at <= $1', [now]);
        return rows[0]!.n;
      });
    },

    async countCases(now) {
      const rows = await driver.query<{ n: number }>('select count(*)::integer as n from diagnostics_cases where expires_at > $1', [now]);
      return rows[0]!.n;
    },

    async addSupportToken(id, tokenHash, name, scopes, now) {
      const rows = await driver.query<TokenRow>(
        `insert into support_tokens (id, token_hash, name, scopes, created_at) values ($1, $2, $3, $4, $5) returning ${TOKEN_COLUMNS}`,
        [id, tokenHash, name, scopes.join(','), now],
      );
      return toToken(rows[0]!);
    },

    async listSupportTokens() {
      return (await driver.query<TokenRow>(`select ${TOKEN_COLUMNS} from support_tokens order by created_at, id`)).map(toToken);
    },

    async revokeSupportToken(id, now) {
      return driver.transaction(async (tx) => {
        const rows = await tx.query<TokenRow>(
          `update support_tokens set revoked_at = coalesce(revoked_at, $2) where id = $1 returning ${TOKEN_COLUMNS}`,
          [id, now],
        );
        if (rows[0] === undefined) return null;
        await tx.query('delete from support_sessions where token_id = $1', [id]);
        return toToken(rows[0]);
      });
    },

    async supportTokenByHash(tokenHash, now) {
      const rows = await driver.query<TokenRow>(
        `update support_tokens set last_used_at = $2 where token_hash = $1 and revoked_at is null returning ${TOKEN_COLUMNS}`,
        [tokenHash, now],
      );
      return rows[0] === undefined ? null : toToken(rows[0]);
    },

    async createSession(sessionHash, tokenId, now, expiresAt) {
      await driver.query('insert into support_sessions (session_hash, token_id, created_at, expires_at) values ($1, $2, $3, $4)', [
        sessionHash,
        tokenId,
        now,
        expiresAt,
      ]);
    },

    async sessionToken(sessionHash, now) {
      const rows = await driver.query<TokenRow>(
        `select t.id, t.name, t.scopes, t.created_at, t.revoked_at, t.last_used_at from support_sessions s join support_tokens t on t.id = s.token_id
         where s.session_hash = $1 and s.expires_at > $2 and t.revoked_at is null`,
        [sessionHash, now],
      );
      return rows[0] === undefined ? null : toToken(rows[0]);
    },

    async endSession(sessionHash) {
      await driver.query('delete from support_sessions where session_hash = $1', [sessionHash]);
    },

    async logAccess(entry) {
      await driver.query(
        'insert into case_access_log (at, case_code, token_id, token_name, action, remote) values ($1, $2, $3, $4, $5, $6)',
        [entry.at, entry.caseCode, entry.tokenId, entry.tokenName, entry.action, entry.remote],
      );
    },

    async accessLog(code, limit) {
      const rows = await driver.query<{
        at: Time;
        case_code: string;
        token_id: string;
        token_name: string;
        action: 'open' | 'download';
        remote: string | null;
      }>(
        `select at, case_code, token_id, token_name, action, remote from case_access_log ${code === undefined ? '' : 'where case_code = $2'} order by at desc, id desc limit $1`,
        code === undefined ? [limit] : [limit, code],
      );
      return rows.map((row) => ({
        at: time(row.at),
        caseCode: row.case_code,
        tokenId: row.token_id,
        tokenName: row.token_name,
        action: row.action,
        remote: row.remote,
      }));
    },
  };
}
