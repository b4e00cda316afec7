// Targeted messages end to end: the real backend (Fastify + PGlite) on 127.0.0.1, the real core
// with its message service polling it over HTTP. Time is a FakeTime shared by both, so "one poll
// interval" is an hour of fake time, not an hour of waiting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../../common/branding.js';
import type { CampaignInputRaw } from '../../../common/messages/index.js';
import { createCore, type Core } from '../../../core/core.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { SimulatedPrinter } from '../../../native/simulated/printer.js';
import { SimulatedSource } from '../../../native/simulated/simulated-source.js';
import { openStore } from '../../../server/store/open-store.js';
import { FakeTime } from '../../support/fake-time.js';
import { recordingNotifier } from '../../support/test-core.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_messages-end-to-end-token';
const POLL_SECONDS = 600;

let dir = '';
let server: TestServer | undefined;
let url = '';
let core: Core;
const time = new FakeTime(Date.now());
const notifications: string[] = [];

async function admin(method: string, route: string, body?: unknown): Promise<number> {
  const response = await fetch(new URL(route, url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.text();
  return response.status;
}

function campaign(id: string, overrides: Partial<CampaignInputRaw> = {}): CampaignInputRaw {
  return {
    id,
    name: id,
    category: 'supplies',
    priority: 500,
    urgency: 'urgent',
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] },
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title: `Hello from ${id}`, body: 'Published **just now**.' } } }],
    ...overrides,
  };
}

/** Moves fake time by one poll interval (plus the most jitter) and waits for the real HTTP round trip to land. */
async function nextPoll(until: () => boolean): Promise<void> {
  await time.advance(POLL_SECONDS * 1100);
  await vi.waitFor(() => expect(until()).toBe(true), { timeout: 10_000, interval: 50 });
}

const inboxIds = () => core.messages.inbox().items.map((item) => item.id);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-messages-e2e-'));
  server = await startTestServer(
    { clock: time, timing: { pollIntervalSeconds: POLL_SECONDS }, versionRefreshMs: 0 },
    { adminToken: ADMIN, store: await openStore({ dataDir: path.join(dir, 'pglite') }) },
  );
  url = server.url;
  const publicKey = await server.publicKey();
  core = createCore({
    appInfo: { name: 'Trayside', version: '0.1.0', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time })])],
    settingsStorage: memorySettingsStorage({ locale: 'en' }),
    clock: time,
    timers: time,
    log: () => undefined,
    branding: BrandingSchema.parse({ name: 'Trayside', backendUrl: url, signingKeys: [publicKey], productLine: 'trayside-demo' }),
    dataDir: path.join(dir, 'client'),
    features: { events: false },
    fetch: (target, init) => fetch(target, init),
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
    notifier: recordingNotifier({ message: (notification) => notifications.push(notification.messageId) }),
  });
  await core.start();
  await vi.waitFor(() => expect(core.messages.status().lastUpdated).not.toBeNull(), { timeout: 10_000 });
}, 120_000);

afterAll(async () => {
  await core?.close();
  await server?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('messages end to end against the real backend', () => {
  it('publish → the message reaches the inbox within one poll interval, as a notification; archive → it disappears', async () => {
    expect(inboxIds()).toEqual([]);
    expect(await admin('POST', '/v1/admin/campaigns', campaign('welcome-e2e'))).toBe(201);
    expect(await admin('POST', '/v1/admin/campaigns/welcome-e2e/publish')).toBe(200);

    await nextPoll(() => inboxIds().includes('welcome-e2e@1'));
    // The notification follows the ledger's durable write, a moment after the inbox.
    await vi.waitFor(() => expect(notifications).toEqual(['welcome-e2e@1']));
    expect(core.messages.status()).toMatchObject({ offline: false, verificationFailed: false });

    expect(await admin('POST', '/v1/admin/campaigns/welcome-e2e/archive')).toBe(200);
    await nextPoll(() => !inboxIds().includes('welcome-e2e@1'));
  });

  it('targets on the device: a campaign for another model never arrives', async () => {
    expect(
      await admin(
        'POST',
        '/v1/admin/campaigns',
        campaign('other-model-e2e', { rule: { '==': [{ var: 'device.model' }, 'Some Other Printer'] } }),
      ),
    ).toBe(201);
    expect(await admin('POST', '/v1/admin/campaigns/other-model-e2e/publish')).toBe(200);
    const version = core.messages.status().manifestVersion;
    await nextPoll(() => (core.messages.status().manifestVersion ?? 0) > (version ?? 0));
    expect(inboxIds()).not.toContain('other-model-e2e@1');
  });

  it('keeps the saved messages and says it is offline when the server goes away', async () => {
    expect(await admin('POST', '/v1/admin/campaigns', campaign('offline-e2e'))).toBe(201);
    expect(await admin('POST', '/v1/admin/campaigns/offline-e2e/publish')).toBe(200);
    await nextPoll(() => inboxIds().includes('offline-e2e@1'));
    await server?.stop();
    await nextPoll(() => core.messages.status().offline);
    expect(inboxIds()).toContain('offline-e2e@1');
  });
});
