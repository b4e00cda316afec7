import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorSchema, ManifestSchema, SignedEnvelopeSchema } from '../../../common/messages/index.js';
import { buildServer } from '../../../server/app.js';
import { hashToken } from '../../../server/http/auth.js';
import type { StoreHealthChange } from '../../../server/store/store-health.js';
import { campaign } from './server-suite.js';
import { openSwitchableStore, type SwitchableStore } from './switchable-store.js';
import { testCredential } from '../../support/install-credentials.js';

const ADMIN_TOKEN = 'ts_admin_store-faults';
const MINUTE = 60_000;

/**
 * A database outage in one process with a fake clock: the database "unplugged" under a real server on
 * 127.0.0.1 (switchable-store.ts). The PostgreSQL outage with real child processes is
 * server-outage-postgres.test.ts.
 */
describe('server under store faults and bad input', () => {
  let unplugged: SwitchableStore;
  let app: FastifyInstance;
  let base: string;
  const now = { ms: Date.UTC(2026, 2, 10, 12, 0, 0) };
  const changes: StoreHealthChange[] = [];

  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'x-trayside-install': randomUUID(),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      // A poll stuck behind a hung store fails the test here instead of hanging it.
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const poll = (segment: string) => request('GET', `/v1/manifests/${segment}`);

  beforeAll(async () => {
    unplugged = await openSwitchableStore();
    unplugged.store.health.onChange((change) => changes.push(change));
    await unplugged.store.addToken(hashToken(ADMIN_TOKEN), 'admin', 'store faults', new Date());
    // A one-hour manifest life, re-signed every 10 minutes, so expiry is reachable with the fake clock.
    app = await buildServer({
      store: unplugged.store,
      clock: { now: () => now.ms },
      logLevel: 'silent',
      timing: { ttlSeconds: 3600, resignPeriodSeconds: 600 },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await unplugged?.store.close();
  });

  it('refuses a campaign whose schedule.start is not a date-time with 400 naming the field', async () => {
    const response = await request(
      'POST',
      '/v1/admin/campaigns',
      campaign('faults-tomorrow', { schedule: { start: 'tomorrow', timeZone: 'UTC' } }),
    );
    expect(response.status, response.text).toBe(400);
    expect(ApiErrorSchema.parse(JSON.parse(response.text)).issues?.map((issue) => issue.field)).toEqual(['schedule.start']);
  });

  it('answers polls from the cached manifest within a second when the store stops answering', async () => {
    const created = await request(
      'POST',
      '/v1/admin/campaigns',
      campaign('faults-hung', { segment: { productLines: ['hung-line'], locales: ['*'] } }),
    );
    expect(created.status, created.text).toBe(201);
    expect((await request('POST', '/v1/admin/campaigns/faults-hung/publish')).status).toBe(200);
    const before = await poll('hung-line/en');
    expect(before.status).toBe(200);
    unplugged.hang(true);
    try {
      now.ms += 5_000;
      const started = performance.now();
      const during = await poll('hung-line/en');
      expect(during.status, during.text).toBe(200);
      expect(during.headers.get('etag')).toBe(before.headers.get('etag'));
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      unplugged.hang(false);
    }
  });

  it('answers polls from the last good manifest while it is valid, then 503 with Retry-After, and recovers by itself', async () => {
    const created = await request(
      'POST',
      '/v1/admin/campaigns',
      campaign('faults-live', { segment: { productLines: ['faults-line'], locales: ['*'] } }),
    );
    expect(created.status, created.text).toBe(201);
    expect((await request('POST', '/v1/admin/campaigns/faults-live/publish')).status).toBe(200);
    const before = await poll('faults-line/en');
    expect(before.status).toBe(200);

    unplugged.setDown(true);
    now.ms += 5_000;
    // Past the 2 s version window: the node must ask the store, which is gone.
    const during = await poll('faults-line/en');
    expect(during.status, during.text).toBe(200);
    expect(during.headers.get('etag')).toBe(before.headers.get('etag'));
    // A segment this node had not signed yet: the manifest it would have signed before the outage.
    const other = await poll('faults-line/de');
    expect(other.status, other.text).toBe(200);
    const otherManifest = ManifestSchema.parse(JSON.parse(SignedEnvelopeSchema.parse(JSON.parse(other.text)).payload));
    expect(otherManifest.messages.map((message) => message.campaignId)).toEqual(['faults-live']);
    for (let index = 0; index < 20; index += 1) expect((await poll('faults-line/en')).status).toBe(200);

    // Writes and admin reads cannot be served from a cache: 503 with Retry-After, which the app's uploader honours.
    const uploader = randomUUID();
    const upload = await request(
      'POST',
      '/v1/events',
      {
        installId: uploader,
        consent: 'anonymous-usage',
        sentAt: new Date(now.ms).toISOString(),
        events: [{ id: randomUUID(), type: 'impression', at: new Date(now.ms).toISOString(), campaignId: 'faults-live', variantId: 'a' }],
      },
      // Well formed, so the answer is about the store (its hash cannot be looked up), not about the credential.
      { authorization: `Bearer ${testCredential(uploader)}` },
    );
    expect(upload.status, upload.text).toBe(503);
    expect(Number(upload.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ApiErrorSchema.parse(JSON.parse(upload.text)).error).toBe('store-unavailable');
    expect((await request('GET', '/v1/admin/campaigns')).status).toBe(503);

    // Once the manifest has expired it is no longer good to serve.
    now.ms += 61 * MINUTE;
    const expired = await poll('faults-line/en');
    expect(expired.status, expired.text).toBe(503);
    expect(expired.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await poll('faults-line/de')).status).toBe(503);

    // One outage, noticed once however many requests failed.
    expect(changes.map((change) => change.state)).toEqual(['unavailable']);

    unplugged.setDown(false);
    now.ms += 5_000;
    const after = await poll('faults-line/en');
    expect(after.status, after.text).toBe(200);
    // Re-signed with a fresh expiry; the content, and so the ETag, is the same.
    const issuedAt = (text: string) =>
      Date.parse(ManifestSchema.parse(JSON.parse(SignedEnvelopeSchema.parse(JSON.parse(text)).payload)).issuedAt);
    expect(issuedAt(after.text)).toBeGreaterThan(issuedAt(before.text));
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(changes.map((change) => change.state)).toEqual(['unavailable', 'available']);
    expect(changes[1]).toMatchObject({ state: 'available', downMs: expect.any(Number) as number });
  });
});
