import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema, SignedEnvelopeSchema } from '../../../common/messages/index.js';
import { buildServer } from '../../../server/app.js';
import { hashToken } from '../../../server/http/auth.js';
import type { SqlDriver } from '../../../server/store/driver.js';
import { openPgliteDriver } from '../../../server/store/pglite-driver.js';
import { openSqlStore } from '../../../server/store/sql-store.js';
import type { Store } from '../../../server/store/store.js';
import { campaign } from './server-suite.js';

const TOKEN = 'ts_admin_version-regression-test-token';

/**
 * A store whose manifest version goes backwards under a running node — a restored backup, a
 * failover to a lagging replica — must not make the next publish fail with a primary-key 500 or
 * hand devices a version they already hold (they would refuse it as a replay).
 */
describe('manifest version regression', () => {
  let driver: SqlDriver;
  let store: Store;
  const now = { ms: Date.UTC(2026, 2, 10, 12) };
  let url = '';
  let close: () => Promise<void> = async () => {};

  const admin = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(new URL(route, url), {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, text: await response.text() };
  };
  const servedVersion = async (): Promise<number> => {
    const response = await fetch(new URL('/v1/manifests/line-a/en', url));
    expect(response.status).toBe(200);
    return ManifestSchema.parse(JSON.parse(SignedEnvelopeSchema.parse(await response.json()).payload)).version;
  };
  const publish = async (id: string) => {
    expect((await admin('POST', '/v1/admin/campaigns', campaign(id))).status).toBe(201);
    const published = await admin('POST', `/v1/admin/campaigns/${id}/publish`);
    expect(published.status, published.text).toBe(200);
    return (JSON.parse(published.text) as { version: number }).version;
  };

  beforeAll(async () => {
    driver = await openPgliteDriver(undefined);
    store = await openSqlStore(driver);
    await store.addToken(hashToken(TOKEN), 'admin', 'test', new Date());
    const app = await buildServer({ store, clock: { now: () => now.ms }, logLevel: 'silent' });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await store.close();
    };
  }, 60_000);
  afterAll(() => close());

  it('keeps serving the newer version and publishes above it when the counter lags the publish log', async () => {
    for (const id of ['reg-1', 'reg-2', 'reg-3']) await publish(id);
    expect(await servedVersion()).toBe(3);
    // A lagging replica: the counter says 1, the log still has 2 and 3 (a plain version + 1 hits its primary key).
    await driver.query('update publish_state set version = 1 where id = 1');
    now.ms += 5_000;
    expect(await servedVersion()).toBe(3);
    const version = await publish('reg-4');
    expect(version).toBeGreaterThan(3);
    now.ms += 5_000;
    expect(await servedVersion()).toBe(version);
  });

  it('publishes above the highest version this node served after a restore that lost the log too', async () => {
    const served = await servedVersion();
    // A restored backup: counter and log both from before the last publishes.
    await driver.query('update publish_state set version = 1 where id = 1');
    await driver.query('delete from publish_log where version > 1');
    now.ms += 5_000;
    expect(await servedVersion()).toBe(served);
    const version = await publish('reg-5');
    expect(version).toBeGreaterThan(served);
    now.ms += 5_000;
    expect(await servedVersion()).toBe(version);
  });
});
