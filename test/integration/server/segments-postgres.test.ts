// The segments route's ETag on real PostgreSQL (the version row, its bump inside the import and
// erasure transactions, bigint read back as a string by node-postgres). Same checks as the PGlite
// ones in test/integration/messages/segments-schedule.test.ts, against a fresh database.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSegments, fleetAgent, register, simulatedInstall } from '../../../bench/fleet-client.js';
import { openStore } from '../../../server/store/open-store.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const adminUrl = process.env.TRAYSIDE_TEST_DATABASE_URL;

if (adminUrl === undefined || adminUrl === '') {
  const reason =
    'TRAYSIDE_TEST_DATABASE_URL is not set; start a throwaway cluster with `eval "$(scripts/pg/start.sh)"` and export TRAYSIDE_TEST_DATABASE_URL=$DATABASE_URL to run it.';
  console.warn(`[segments-postgres] skipped: ${reason}`);
  describe('segments ETag (PostgreSQL)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
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
  let server: TestServer | undefined;

  beforeAll(async () => {
    await run(`create database ${database}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    server = await startTestServer({}, { store: await openStore({ databaseUrl: url.toString() }) });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await run(`drop database if exists ${database} with (force)`);
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
