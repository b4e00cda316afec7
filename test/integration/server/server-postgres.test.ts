import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';
import { openStore } from '../../../server/store/open-store.js';
import { defineServerSuite } from './server-suite.js';

const adminUrl = process.env.TRAYSIDE_TEST_DATABASE_URL;

if (adminUrl === undefined || adminUrl === '') {
  const reason =
    'TRAYSIDE_TEST_DATABASE_URL is not set; start a throwaway cluster with `eval "$(scripts/pg/start.sh)"` and export TRAYSIDE_TEST_DATABASE_URL=$DATABASE_URL to run it.';
  console.warn(`[server-postgres] skipped: ${reason}`);
  describe('server end to end (PostgreSQL)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
  // A fresh database per run, so the suite sees an empty store and leaves nothing behind.
  const database = `trayside_test_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  defineServerSuite(
    'PostgreSQL',
    async () => {
      await run(`create database ${database}`);
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      return openStore({ databaseUrl: url.toString() });
    },
    () => run(`drop database if exists ${database} with (force)`),
  );
}
