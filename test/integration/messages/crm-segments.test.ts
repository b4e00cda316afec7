// CRM segments reach targeting on the device: the real backend (Fastify + PGlite)
// on 127.0.0.1, segment membership imported with the admin CLI, a campaign whose rule needs a
// segment, and three real cores polling it. Only the install in the segment whose owner consented
// gets the message. Time is a FakeTime shared by server and cores.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BrandingSchema } from '../../../common/branding.js';
import type { CampaignInputRaw } from '../../../common/messages/index.js';
import type { Consent } from '../../../common/settings.js';
import { createCore, type Core } from '../../../core/core.js';
import { SEGMENT_CHECK_INTERVAL_MS } from '../../../core/messages/segment-schedule.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { SimulatedPrinter } from '../../../native/simulated/printer.js';
import { SimulatedSource } from '../../../native/simulated/simulated-source.js';
import { runAdminCli } from '../../../server/admin-client.js';
import { openStore } from '../../../server/store/open-store.js';
import { FakeTime } from '../../support/fake-time.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const ADMIN = 'ts_admin_crm-segments-token';
const POLL_SECONDS = 600;

let dir = '';
let server: TestServer | undefined;
let url = '';
const time = new FakeTime(Date.now());
const cores: Record<'member' | 'other' | 'noConsent', Core> = {} as never;
const segmentRequests: string[] = [];
const segmentAnswers: Record<string, number> = {};

async function startCore(name: keyof typeof cores, consent: Consent, publicKey: string): Promise<void> {
  const core = createCore({
    appInfo: { name: 'Trayside', version: '0.1.0', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time, speed: 0 })])],
    settingsStorage: memorySettingsStorage({ locale: 'en', consent }),
    clock: time,
    timers: time,
    log: () => undefined,
    branding: BrandingSchema.parse({ name: 'Trayside', backendUrl: url, signingKeys: [publicKey], productLine: 'trayside-demo' }),
    dataDir: path.join(dir, name),
    features: { events: false },
    fetch: (target, init) => {
      if (!target.includes('/v1/segments/')) return fetch(target, init);
      segmentRequests.push(name);
      return fetch(target, init).finally(() => (segmentAnswers[name] = (segmentAnswers[name] ?? 0) + 1));
    },
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
    // No frequency caps: each poll here is minutes apart, and what is tested is targeting alone.
    tuning: { messagePolicy: { minIntervalMs: 0, perCategoryPerDay: 100, perCategoryPerWeek: 100 } },
  });
  cores[name] = core;
  await core.start();
  await vi.waitFor(() => expect(core.messages.status().lastUpdated).not.toBeNull(), { timeout: 10_000 });
}

async function admin(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCli([...argv, '--server', url], {
    env: { TRAYSIDE_ADMIN_TOKEN: ADMIN },
    cwd: dir,
    fetch,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

/** A campaign whose rule needs the printer-plus CRM segment. */
function segmentCampaign(id: string): CampaignInputRaw {
  return {
    id,
    name: 'Printer Plus members',
    category: 'supplies',
    priority: 500,
    urgency: 'normal',
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: { in: ['printer-plus', { var: 'crm.segments' }] },
    triggers: [{ type: 'app-start' }],
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title: 'Your Printer Plus perk', body: 'Free shipping this month.' } } }],
  };
}

const inboxIds = (core: Core) => core.messages.inbox().items.map((item) => item.id);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-crm-segments-'));
  server = await startTestServer(
    { clock: time, timing: { pollIntervalSeconds: POLL_SECONDS }, versionRefreshMs: 0 },
    { adminToken: ADMIN, store: await openStore({ dataDir: path.join(dir, 'pglite') }) },
  );
  url = server.url;
  const publicKey = await server.publicKey();
  await startCore('member', 'anonymous-usage', publicKey);
  await startCore('other', 'anonymous-usage', publicKey);
  await startCore('noConsent', 'none', publicKey);
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(cores).map((core) => core.close()));
  await server?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('CRM segments in targeting, against the real backend', () => {
  it('a campaign for a segment reaches only the consenting install in it', async () => {
    // The CRM puts "member" and "noConsent" in printer-plus.
    const csv = path.join(dir, 'segments.csv');
    await writeFile(
      csv,
      `install_id,segment\n${cores.member.messages.installId()},printer-plus\n${cores.noConsent.messages.installId()},printer-plus\n`,
    );
    const imported = await admin('import-segments', csv);
    expect(imported.err).toEqual([]);
    expect(imported.out[0]).toContain('2 memberships');

    const campaign = segmentCampaign('printer-plus-offer');
    const file = path.join(dir, 'campaign.json');
    await writeFile(file, JSON.stringify(campaign));
    expect((await admin('publish', file)).code).toBe(0);

    const versions = Object.values(cores).map((core) => core.messages.status().manifestVersion ?? 0);
    const otherAnswers = segmentAnswers.other ?? 0;
    // Segments are checked on their own schedule (every 6 h ± 10 %), not with each manifest poll.
    await time.advance(SEGMENT_CHECK_INTERVAL_MS * 1.1);
    await vi.waitFor(() => expect(inboxIds(cores.member)).toContain('printer-plus-offer@1'), { timeout: 10_000, interval: 50 });
    await vi.waitFor(
      () =>
        Object.values(cores).forEach((core, index) =>
          expect(core.messages.status().manifestVersion ?? 0).toBeGreaterThan(versions[index]!),
        ),
      { timeout: 10_000, interval: 50 },
    );
    // "other" asked too and has its (empty) answer; give its targeting pass a moment to run on it.
    await vi.waitFor(() => expect(segmentAnswers.other ?? 0).toBeGreaterThan(otherAnswers), { timeout: 10_000, interval: 50 });
    await new Promise((done) => setTimeout(done, 200));
    await time.advance(0);
    expect(inboxIds(cores.other)).toEqual([]);
    expect(inboxIds(cores.noConsent)).toEqual([]);
    // Without consent the app never asks.
    expect(segmentRequests).not.toContain('noConsent');
    expect(segmentRequests).toContain('other');
  });

  it('withdrawing consent forgets the segments: the next campaign for the segment does not arrive', async () => {
    cores.member.settings.update({ consent: 'none' });
    const campaign: CampaignInputRaw = {
      ...segmentCampaign('printer-plus-second'),
      variants: [{ id: 'a', weight: 1, content: { en: { title: 'Second perk', body: 'More.' } } }],
    };
    const file = path.join(dir, 'campaign-2.json');
    await writeFile(file, JSON.stringify(campaign));
    expect((await admin('publish', file)).code).toBe(0);
    const version = cores.member.messages.status().manifestVersion ?? 0;
    await time.advance(POLL_SECONDS * 1100);
    await vi.waitFor(() => expect(cores.member.messages.status().manifestVersion ?? 0).toBeGreaterThan(version), {
      timeout: 10_000,
      interval: 50,
    });
    await new Promise((done) => setTimeout(done, 200));
    await time.advance(0);
    expect(inboxIds(cores.member)).not.toContain('printer-plus-second@1');
    // The owner still has the first message: withdrawing consent hides nothing already delivered.
    expect(inboxIds(cores.member)).toContain('printer-plus-offer@1');
  });
});
