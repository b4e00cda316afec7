import { describe, it } from 'vitest';
import { openStore } from '../../../server/store/open-store.js';
import { defineServerSuite } from './server-suite.js';
import { POSTGRES_SKIP_REASON, postgresAdminUrl, throwawayDatabase } from '../../support/postgres-database.js';

const adminUrl = postgresAdminUrl;

if (adminUrl === undefined) {
  const reason = POSTGRES_SKIP_REASON;
  console.warn(`[server-postgres] skipped: ${reason}`);
  describe('server end to end (PostgreSQL)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
  const database = throwawayDatabase(adminUrl, 'trayside_test');
  defineServerSuite(
    'PostgreSQL',
    async () => openStore({ databaseUrl: await database.create() }),
    () => database.drop(),
  );
}
