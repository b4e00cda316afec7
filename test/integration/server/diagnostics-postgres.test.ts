import { describe, it } from 'vitest';
import { openStore } from '../../../server/store/open-store.js';
import { defineDiagnosticsSuite } from './diagnostics-suite.js';
import { POSTGRES_SKIP_REASON, postgresAdminUrl, throwawayDatabase } from '../../support/postgres-database.js';

const adminUrl = postgresAdminUrl;

if (adminUrl === undefined) {
  const reason = POSTGRES_SKIP_REASON;
  console.warn(`[diagnostics-postgres] skipped: ${reason}`);
  describe('diagnostics and support (PostgreSQL)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
  const database = throwawayDatabase(adminUrl, 'trayside_diag_test');
  defineDiagnosticsSuite(
    'PostgreSQL',
    async () => openStore({ databaseUrl: await database.create() }),
    () => database.drop(),
  );
}
