import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../../common/lifecycle.js';
import { createPrivacyService, type PrivacyFetch } from '../../../core/privacy/privacy-service.js';
import { FakeTime } from '../../support/fake-time.js';
import { testAuthorization, testInstallHeaders } from '../../support/install-credentials.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

let server: TestServer;
let dir = '';
beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'trayside-privacy-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function uploadOne(installId: string): Promise<void> {
  const response = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await testInstallHeaders(server.url, installId)) },
    body: JSON.stringify({
      installId,
      consent: 'anonymous-usage',
      sentAt: new Date().toISOString(),
      events: [{ id: randomUUID(), type: 'impression', at: new Date().toISOString(), campaignId: 'withdrawn', variantId: 'a' }],
    }),
  });
  expect(response.status).toBe(200);
}

describe('withdrawing consent deletes what the server holds', () => {
  it('queues the deletion durably, retries it while the server is down (also across a restart), and shows the completed receipt', async () => {
    const installId = randomUUID();
    await uploadOne(installId);
    expect(await server.store.analytics.countSharingInstalls(null)).toBeGreaterThan(0);

    const time = new FakeTime();
    const withdrawn = new Emitter<void>();
    let down = true;
    const requests: string[] = [];
    const fetchThrough: PrivacyFetch = async (url, init) => {
      requests.push(`${init.method} ${new URL(url).pathname}`);
      if (down) throw new Error('connect ECONNREFUSED 127.0.0.1');
      return fetch(url, init);
    };
    const logs: string[] = [];
    const open = () =>
      createPrivacyService({
        dir: join(dir, installId),
        backendUrl: server.url,
        authorization: testAuthorization(server.url, installId),
        fetch: fetchThrough,
        clock: time,
        timers: time,
        log: (line) => logs.push(line),
        onConsentWithdrawn: (listener) => withdrawn.on(() => listener()),
        baseDelayMs: 1000,
        pollMs: 5000,
      });
    let service = await open();
    service.noteShared();
    withdrawn.fire();
    await vi.waitFor(() => expect(service.state().requests).toHaveLength(1));
    await vi.waitFor(() =>
      expect(service.state().requests[0]).toMatchObject({
        kind: 'deletion',
        reason: 'consent-withdrawn',
        status: 'queued',
        problem: expect.stringContaining('ECONNREFUSED'),
      }),
    );
    // Retried with backoff while the server stays down.
    await vi.waitFor(async () => {
      await time.advance(1000);
      expect(requests.filter((line) => line.endsWith('/deletions')).length).toBeGreaterThan(1);
    });

    // The app quits while the server is still unreachable; the next start sends it.
    service.dispose();
    down = false;
    service = await open();
    await vi.waitFor(() => expect(service.state().requests[0]).toMatchObject({ status: 'completed', counts: { events: 1 } }));
    expect(service.state().requests[0]!.completedAt).not.toBeNull();
    expect((await server.store.privacy.receipts(installId)).map((receipt) => receipt.status)).toEqual(['completed']);
    service.dispose();
  });

  it('an install that never shared anything sends nothing when consent is withdrawn', async () => {
    const time = new FakeTime();
    const withdrawn = new Emitter<void>();
    const requests: string[] = [];
    const service = await createPrivacyService({
      dir: join(dir, 'never-shared'),
      backendUrl: server.url,
      authorization: testAuthorization(server.url),
      fetch: async (url, init) => {
        requests.push(url);
        return fetch(url, init);
      },
      clock: time,
      timers: time,
      log: () => undefined,
      onConsentWithdrawn: (listener) => withdrawn.on(() => listener()),
    });
    withdrawn.fire();
    await time.advance(60_000);
    expect(service.state().requests).toEqual([]);
    expect(requests).toEqual([]);
    service.dispose();
  });

  it('"Download my data" gives the JSON the server holds for this install', async () => {
    const installId = randomUUID();
    await uploadOne(installId);
    const time = new FakeTime();
    const service = await createPrivacyService({
      dir: join(dir, `export-${installId}`),
      backendUrl: server.url,
      authorization: testAuthorization(server.url, installId),
      fetch: (url, init) => fetch(url, init),
      clock: time,
      timers: time,
      log: () => undefined,
      onConsentWithdrawn: () => ({ dispose: () => undefined }),
    });
    await service.requestExport();
    await vi.waitFor(() => expect(service.state().requests[0]).toMatchObject({ kind: 'export', status: 'completed' }));
    const download = await service.downloadExport(service.state().requests[0]!.id);
    expect(download.fileName).toMatch(/^trayside-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(JSON.parse(download.json)).toMatchObject({ installId, events: [{ campaignId: 'withdrawn' }] });
    service.dispose();
  });
});
