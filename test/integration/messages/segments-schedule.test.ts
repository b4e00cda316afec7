// CRM segments follow their own schedule, not the manifest poll: the real backend (Fastify +
// PGlite) on 127.0.0.1 and a real core polling it every 10 minutes of FakeTime. Counted at the
// wire: how many segment requests N polls cost, 304 when nothing changed, a CRM import seen on the
// next segment check, a restart that keeps the answer on disk, and 401 without the credential.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkSegments, fleetAgent, register, simulatedInstall } from '../../../bench/fleet-client.js';
import { BrandingSchema } from '../../../common/branding.js';
import { createCore, type Core } from '../../../core/core.js';
import { SEGMENT_CHECK_INTERVAL_MS } from '../../../core/messages/segment-schedule.js';
import { memorySettingsStorage } from '../../../core/settings-service.js';
import { SimulatedPrinter } from '../../../native/simulated/printer.js';
import { SimulatedSource } from '../../../native/simulated/simulated-source.js';
import { openStore } from '../../../server/store/open-store.js';
import { FakeTime } from '../../support/fake-time.js';
import { startTestServer, type TestServer } from '../../support/test-backend.js';

const POLL_SECONDS = 600;
const POLLS = 20;

let dir = '';
let server: TestServer | undefined;
let publicKey = '';
const time = new FakeTime(Date.now());
/** Every answer the core got, in order: "manifest 304", "segments 200", … */
const wire: string[] = [];
let core: Core | undefined;
let inFlight = 0;

const count = (prefix: string) => wire.filter((line) => line.startsWith(prefix)).length;
const segmentAnswers = () => wire.filter((line) => line.startsWith('segments'));

async function startCore(): Promise<Core> {
  const started = createCore({
    appInfo: { name: 'Trayside', version: '0.1.0', host: 'node', platform: 'linux' },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: time, speed: 0 })])],
    settingsStorage: memorySettingsStorage({ locale: 'en', consent: 'anonymous-usage' }),
    clock: time,
    timers: time,
    log: () => undefined,
    branding: BrandingSchema.parse({ name: 'Trayside', backendUrl: server!.url, signingKeys: [publicKey], productLine: 'trayside-demo' }),
    dataDir: path.join(dir, 'app'),
    features: { events: false },
    fetch: async (target, init) => {
      inFlight += 1;
      try {
        const response = await fetch(target, init);
        const kind = target.includes('/v1/segments/') ? 'segments' : target.includes('/v1/manifests/') ? 'manifest' : 'other';
        wire.push(`${kind} ${response.status}`);
        return response;
      } finally {
        inFlight -= 1;
      }
    },
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.1.0', systemLocale: 'en', timeZone: 'UTC' },
  });
  await started.start();
  await vi.waitFor(() => expect(started.messages.status().lastUpdated).not.toBeNull(), { timeout: 10_000 });
  return started;
}

/** The answer the app keeps on disk. */
async function keptSegments(): Promise<{ segments: string[]; etag?: string }> {
  return JSON.parse(await readFile(path.join(dir, 'app', 'messages', 'crm-segments.json'), 'utf8')) as {
    segments: string[];
    etag?: string;
  };
}

/** Lets every request the core has out reach the real server and come back, and what follows run. */
async function settle(): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    await time.advance(0);
    await new Promise((done) => setTimeout(done, inFlight > 0 ? 5 : 1));
    quiet = inFlight === 0 ? quiet + 1 : 0;
  }
}

/** Moves FakeTime on a minute at a time, each step's requests answered before the next. */
async function live(ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += 60_000) {
    await time.advance(Math.min(60_000, ms - passed));
    await settle();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trayside-segments-schedule-'));
  server = await startTestServer(
    { clock: time, timing: { pollIntervalSeconds: POLL_SECONDS }, versionRefreshMs: 0 },
    { store: await openStore({ dataDir: path.join(dir, 'pglite') }) },
  );
  publicKey = await server.publicKey();
  core = await startCore();
  await settle();
}, 120_000);

afterAll(async () => {
  await core?.close();
  await server?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('CRM segments on their own schedule, against the real backend', () => {
  it('asks once at start, then not again for many manifest polls', async () => {
    expect(segmentAnswers()).toEqual(['segments 200']);
    const before = count('manifest');
    await live(POLLS * POLL_SECONDS * 1000);
    expect(count('manifest') - before).toBeGreaterThanOrEqual(POLLS - 1);
    expect(segmentAnswers()).toEqual(['segments 200']);
    expect((await keptSegments()).etag).toMatch(/^"s\d+-[A-Za-z0-9_-]{22}"$/);
  });

  it('unchanged segments: the next check is a 304', async () => {
    await live(SEGMENT_CHECK_INTERVAL_MS * 1.1 - POLLS * POLL_SECONDS * 1000);
    expect(segmentAnswers()).toEqual(['segments 200', 'segments 304']);
  });

  it('a CRM import is seen on the next segment check', async () => {
    await server!.store.analytics.importSegments(
      [{ installId: core!.messages.installId(), segments: ['printer-plus'] }],
      new Date(time.now()),
    );
    const before = segmentAnswers().length;
    await live(SEGMENT_CHECK_INTERVAL_MS * 1.1);
    expect(segmentAnswers().slice(before)).toEqual(['segments 200']);
    await vi.waitFor(async () => expect((await keptSegments()).segments).toEqual(['printer-plus']));
  });

  it('a restart uses the kept answer and does not ask again', async () => {
    await core!.close();
    const before = segmentAnswers().length;
    const manifestsBefore = count('manifest');
    core = await startCore();
    await live(3 * POLL_SECONDS * 1000);
    expect(count('manifest')).toBeGreaterThan(manifestsBefore);
    expect(segmentAnswers().length).toBe(before);
    expect((await keptSegments()).segments).toEqual(['printer-plus']);
  });

  it('the server: strong ETag, private no-cache, 304 while unchanged, a new answer after an import or an erasure', async () => {
    const agent = fleetAgent(2);
    const install = simulatedInstall();
    expect((await register(agent, server!.url, install)).status).toBe(201);
    const first = await checkSegments(agent, server!.url, install);
    expect(first).toMatchObject({ status: 200, headers: { 'cache-control': 'private, no-cache', etag: expect.stringMatching(/^"s\d+-/) } });
    expect(JSON.parse(first.body)).toEqual({ segments: [] });
    expect(await checkSegments(agent, server!.url, install)).toMatchObject({
      status: 304,
      body: '',
      headers: { etag: first.headers.etag },
    });
    // Someone else's import moves the data version on: still 304 for this install, under the newer tag.
    await server!.store.analytics.importSegments([{ installId: simulatedInstall().installId, segments: ['other'] }], new Date(time.now()));
    const retagged = await checkSegments(agent, server!.url, install);
    expect(retagged.status).toBe(304);
    expect(retagged.headers.etag).not.toBe(first.headers.etag);
    await server!.store.analytics.importSegments(
      [{ installId: install.installId, customerId: 'cust-9', segments: ['gold'] }],
      new Date(time.now()),
    );
    const imported = await checkSegments(agent, server!.url, install);
    expect(imported.status).toBe(200);
    expect(JSON.parse(imported.body)).toEqual({ segments: ['gold'] });
    expect(await checkSegments(agent, server!.url, install)).toMatchObject({ status: 304 });
    // The owner's deletion request removes the link to the customer: the next check answers without it.
    const deletion = await server!.store.privacy.createRequest(
      { id: randomUUID(), installId: install.installId, kind: 'deletion', scopes: ['usage'] },
      new Date(time.now()),
    );
    if (deletion === 'other-install') throw new Error('the deletion request was refused');
    await server!.store.privacy.complete(install.installId, deletion.id, new Date(time.now()), { crm: false });
    const erased = await checkSegments(agent, server!.url, install);
    expect(erased.status).toBe(200);
    expect(JSON.parse(erased.body)).toEqual({ segments: [] });
    agent.destroy();
  });

  it('the server: 401 without the credential, conditional or not', async () => {
    const url = `${server!.url}/v1/segments/${core!.messages.installId()}`;
    const anonymous = await fetch(url, { headers: { 'if-none-match': (await keptSegments()).etag! } });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('printer-plus');
  });
});
