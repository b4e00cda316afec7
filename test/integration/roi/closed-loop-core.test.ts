// The closed loop through the real app, not its parts: the real core (device monitor over a
// simulated printer, message service, outcome tracker, event queue and uploader) against the real
// backend on 127.0.0.1. A control-group install is kept from a reorder nudge, records what it would
// have seen, and its printer's refill comes back as a device-measured replacement in the stats.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CampaignStatsSchema } from '../../../common/analytics.js';
import { BrandingSchema } from '../../../common/branding.js';
import type { CampaignInputRaw } from '../../../common/messages/index.js';
import { createCore, type Core } from '../../../core/core.js';
import { armFor } from '../../../core/roi/holdout.js';
import type { Exposure } from '../../../core/roi/outcomes.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { SimulatedPrinter } from '../../../native/simulated/printer.js';
import { SimulatedSource } from '../../../native/simulated/simulated-source.js';
import { openStore } from '../../../server/store/open-store.js';
import { FakeTime } from '../../support/fake-time.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_closed-loop-core-token';
const POLL_SECONDS = 600;
const CONTROL_SHARE = 0.5;

let dir = '';
let server: TestServer | undefined;
let core: Core | undefined;
let printer: SimulatedPrinter;
const time = new FakeTime(Date.parse('2026-03-02T09:00:00Z'));
const exposures: Exposure[] = [];

async function admin(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(new URL(route, server!.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

function nudge(id: string): CampaignInputRaw {
  return {
    id,
    name: 'Cyan low',
    category: 'supplies',
    priority: 500,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: true,
    triggers: [{ type: 'supply-below', supply: { color: 'cyan' }, percent: 15 }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title: 'Cyan is low', body: 'Order a cartridge now.' } } }],
    controlShare: CONTROL_SHARE,
    goal: 'supply-replaced',
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-closed-loop-'));
  server = await startTestServer(
    { clock: time, timing: { pollIntervalSeconds: POLL_SECONDS }, versionRefreshMs: 0 },
    { adminToken: ADMIN, store: await openStore({ dataDir: path.join(dir, 'pglite') }) },
  );
  printer = new SimulatedPrinter({ clock: time, speed: 0, levels: { cyan: 60 } });
  core = createCore({
    appInfo: { name: 'Trayside', version: '0.1.0', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([printer])],
    settingsStorage: memorySettingsStorage({ locale: 'en', consent: 'anonymous-usage', devicePollSeconds: 5 }),
    clock: time,
    timers: time,
    log: () => undefined,
    branding: BrandingSchema.parse({
      name: 'Trayside',
      backendUrl: server.url,
      signingKeys: [await server.publicKey()],
      productLine: 'trayside-demo',
    }),
    dataDir: path.join(dir, 'client'),
    fetch: (target, init) => fetch(target, init),
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
  });
  core.messages.onExposed((exposure) => exposures.push(exposure));
  await core.start();
}, 120_000);

afterAll(async () => {
  core?.dispose();
  await server?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('closed loop through the real core', () => {
  it(
    'a control install sees nothing, records "would have shown", and its refill is a replacement in the stats',
    { timeout: 120_000 },
    async () => {
      const installId = core!.messages.installId()!;
      // The arm is a hash of the install id; pick the campaign id that puts this install in control.
      let campaignId = '';
      for (let index = 0; campaignId === ''; index += 1)
        if (armFor(installId, `cyan-low-${index}`, undefined, CONTROL_SHARE) === 'control') campaignId = `cyan-low-${index}`;

      expect((await admin('POST', '/v1/admin/campaigns', nudge(campaignId))).status).toBe(201);
      expect((await admin('POST', `/v1/admin/campaigns/${campaignId}/publish`)).status).toBe(200);
      printer.setLevel('cyan', 9);
      await time.advance(POLL_SECONDS * 1100);
      await vi.waitFor(
        async () => {
          await time.advance(5_000);
          expect(exposures.map((exposure) => `${exposure.campaignId} ${exposure.arm}`)).toEqual([`${campaignId} control`]);
        },
        { timeout: 20_000, interval: 100 },
      );
      expect(exposures[0]?.context).toMatchObject({ trigger: 'supply-below', percent: 9 });
      expect(core!.messages.inbox().items).toEqual([]);

      // The owner buys cyan anywhere (no click in the app) and puts it in.
      await time.advance(3 * 86_400_000);
      printer.setLevel('cyan', 98);
      await vi.waitFor(
        async () => {
          await time.advance(5_000);
          const engagement = await core!.engagement;
          await engagement.flush();
          const stats = await admin('GET', `/v1/admin/stats/${campaignId}`);
          expect(stats.status).toBe(200);
          const outcomes = CampaignStatsSchema.parse(stats.json).outcomes!;
          // Paced by the campaign's own caps while cyan stayed low, exactly as often as the core reported it.
          expect(outcomes.control).toMatchObject({
            wouldHaveShown: exposures.length,
            exposedInstalls: 1,
            replacements: 1,
            replacedInstalls: 1,
          });
          expect(outcomes.control.replacementRate).toBe(1);
          expect(outcomes.total).toMatchObject({ exposures: 0, replacements: 0 });
        },
        { timeout: 30_000, interval: 250 },
      );
      // Seen nowhere, measured all the same; and nothing from this campaign reached the owner.
      expect(exposures.every((exposure) => exposure.campaignId === campaignId && exposure.arm === 'control')).toBe(true);
      expect(core!.messages.inbox().items).toEqual([]);
    },
  );
});
