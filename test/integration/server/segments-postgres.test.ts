// The segments route's ETag on real PostgreSQL (the version row, its bump inside the import and
// erasure transactions, bigint read back as a string by node-postgres). Same checks as the PGlite
// ones in test/integration/messages/segments-schedule.test.ts, against a fresh database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSegments, fleetAgent, register, simulatedInstall } from '../../../bench/fleet-client.js';
import { openStore } from '../../../server/store/open-store.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';
import { POSTGRES_SKIP_REASON, postgresAdminUrl, throwawayDatabase } from '../../support/postgres-database.js';

const adminUrl = postgresAdminUrl;

if (adminUrl === undefined) {
  const reason = POSTGRES_SKIP_REASON;
  console.warn(`[segments-postgres] skipped: ${reason}`);
  describe('segments ETag (PostgreSQL)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
  const database = throwawayDatabase(adminUrl, 'trayside_test');
  let server: TestServer | undefined;

  beforeAll(async () => {
    server = await startTestServer({}, { store: await openStore({ databaseUrl: await database.create() }) });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await database.drop();
  });

  describe('segments ETag (PostgreSQL)', () => {
    it("304 while unchanged, retagged 304 after another install's import, 200 after its own import and after erasure", async () => {
      const agent = fleetAgent(2);
      const install = simulatedInstall();
      expect((await register(agent, server!.url, install)).status).toBe(201);
      const first = await checkSegments(agent, server!.url, install);
      expect(first).toMatchObject({ status: 200, headers: { 'cache-control': 'private, no-cache', etag: expect.stringMatching(/^"s1-/) } });
      expect(await checkSegments(agent, server!.url, install)).toMatchObject({ status: 304, headers: { etag: first.headers.etag } });
      await server!.store.analytics.importSegments([{ installId: simulatedInstall().installId, segments: ['other'] }], new Date());
      const retagged = await checkSegments(agent, server!.url, install);
      expect(retagged).toMatchObject({ status: 304, headers: { etag: expect.stringMatching(/^"s2-/) } });
      await server!.store.analytics.importSegments([{ installId: install.installId, segments: ['vip'] }], new Date());
      const imported = await checkSegments(agent, server!.url, install);
      expect(imported.status).toBe(200);
      expect(JSON.parse(imported.body)).toEqual({ segments: ['vip'] });
      const deletion = await server!.store.privacy.createRequest(
        { id: randomUUID(), installId: install.installId, kind: 'deletion', scopes: ['usage'] },
        new Date(),
      );
      if (deletion === 'other-install') throw new Error('the deletion request was refused');
      await server!.store.privacy.complete(install.installId, deletion.id, new Date(), { crm: false });
      const erased = await checkSegments(agent, server!.url, install);
      expect(erased.status).toBe(200);
      expect(JSON.parse(erased.body)).toEqual({ segments: [] });
      expect((await fetch(`${server!.url}/v1/segments/${install.installId}`)).status).toBe(401);
      agent.destroy();
    });
  });
}
