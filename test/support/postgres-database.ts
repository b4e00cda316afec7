// A throwaway database on the cluster `npm test -- postgres` starts (scripts/pg/start.sh), for the
// suites written for PostgreSQL: each run gets an empty store and leaves nothing behind.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The cluster's admin URL, or undefined when the suite runs outside the postgres tier. */
export const postgresAdminUrl: string | undefined = process.env.TRAYSIDE_TEST_DATABASE_URL || undefined;

/** Why a PostgreSQL suite is skipped, printed with the skip. */
export const POSTGRES_SKIP_REASON =
  'TRAYSIDE_TEST_DATABASE_URL is not set; start a throwaway cluster with `eval "$(scripts/pg/start.sh)"` and export TRAYSIDE_TEST_DATABASE_URL=$DATABASE_URL to run it.';

export interface ThrowawayDatabase {
  /** Creates the database and answers its connection URL. */
  create(): Promise<string>;
  drop(): Promise<void>;
}

export function throwawayDatabase(adminUrl: string, prefix = 'trayside_test'): ThrowawayDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    async create() {
      await run(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    drop: () => run(`drop database if exists ${name} with (force)`),
  };
}
