// First run with the message server down: the panel names the real reason ("Can't reach the
// message server at …", not "No message server is configured"), and once the server is up, "Check
// now" fetches its signing key and the messages — without restarting Trayside. The core is composed
// the way a development run composes it: the branding's placeholder key and the loopback key source.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BrandingSchema } from '../../common/branding.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import type { CampaignInputRaw } from '../../common/messages/index.js';
import { PLACEHOLDER_KEY, planSigningKey } from '../../core/branding/signing-key.js';
import { createCore, type Core } from '../../core/core.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startNodeHost, type NodeHost } from '../../host/node-host.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';
import { buildServer } from '../../server/app.js';
import { hashToken } from '../../server/http/auth.js';
import { openStore } from '../../server/store/open-store.js';
import type { Store } from '../../server/store/store.js';
import { publishCampaign } from './campaigns.js';
import { expect, test } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const ADMIN = 'ts_admin_server-down-e2e-token';

let dir = '';
let port = 0;
let backend = '';
let core: Core | undefined;
let host: NodeHost | undefined;
let server: FastifyInstance | undefined;
let store: Store | undefined;
const log: string[] = [];

/** A port on 127.0.0.1 that nothing listens on (the server comes there later). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port: free } = probe.address() as { port: number };
  await new Promise((done) => probe.close(done));
  return free;
}

const campaign: CampaignInputRaw = {
  id: 'e2e-late-server',
  name: 'late server',
  category: 'supplies',
  priority: 500,
  schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
  segment: { productLines: ['trayside-demo'], locales: ['en'] },
  rule: { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] },
  triggers: [{ type: 'app-start' }],
  caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 },
  defaultLocale: 'en',
  variants: [{ id: 'a', weight: 1, content: { en: { title: 'Welcome from the message server', body: 'It came without a restart.' } } }],
};

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trayside-server-down-e2e-'));
  port = await closedPort();
  backend = `http://127.0.0.1:${port}`;
  const branding = BrandingSchema.parse({
    name: 'Trayside',
    backendUrl: backend,
    signingKeys: [PLACEHOLDER_KEY],
    productLine: 'trayside-demo',
  });
  const plan = planSigningKey(branding, {
    allowLoopbackKeyFetch: true,
    fetch: (url, init) => fetch(url, init),
    log: (message) => log.push(message),
  });
  if (plan.kind !== 'fetch') throw new Error(`a loopback backend with the placeholder key should be asked for its key, not ${plan.kind}`);
  core = createCore({
    appInfo: { name: 'Trayside', version: '0.0.0-e2e', host: 'node', platform: process.platform },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: systemClock, speed: 0 })])],
    settingsStorage: memorySettingsStorage({ locale: 'en' }),
    clock: systemClock,
    timers: systemTimers,
    log: (message) => log.push(message),
    branding: plan.branding,
    signingKeys: plan.source,
    dataDir: join(dir, 'client'),
    features: { events: false },
    fetch: (target, init) => fetch(target, init),
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.0.0-e2e', systemLocale: 'en', timeZone: 'UTC' },
    tuning: { messagePolicy: { minIntervalMs: 0, perCategoryPerDay: 100, perCategoryPerWeek: 100 } },
  });
  await core.start();
  host = await startNodeHost({
    core,
    rendererDir: resolve(root, 'out/renderer'),
    bridgeScript: resolve(root, 'out/renderer/trayside-bridge.js'),
    port: 0,
  });
});

test.afterAll(async () => {
  await host?.close();
  await core?.close();
  await server?.close();
  await store?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

test('server down: the panel says it cannot reach it and why; started later, Check now brings its messages without a restart', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(host!.url);
  const messages = page.getByRole('region', { name: /Messages/ });
  const status = page.getByTestId('messages-status');
  const unreachable = `Can't reach the message server at ${backend}: nothing is listening there (connection refused)`;
  await expect(status).toContainText(unreachable);
  await expect(status).not.toContainText('No message server is configured');

  // Check now while it is still down: asked again, the same reason, now with the time of the check.
  await messages.getByRole('button', { name: 'Check now' }).click();
  await expect(status).toHaveText(new RegExp(`^${unreachable.replace(/[.()]/g, '\\$&')} · checked \\d{1,2}:\\d{2}`));

  // The server comes up on the configured port, with a campaign published.
  store = await openStore({});
  await store.addToken(hashToken(ADMIN), 'admin', 'server-down e2e', new Date());
  server = await buildServer({ store, logLevel: 'silent', versionRefreshMs: 0 });
  await server.listen({ host: '127.0.0.1', port });
  await publishCampaign(backend, ADMIN, campaign);

  await messages.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByRole('article', { name: 'Welcome from the message server' })).toBeVisible();
  await expect(status).toHaveText(/^Up to date · checked \d{1,2}:\d{2}/);
  expect(log).toContainEqual(expect.stringContaining('using the signing key of the local server'));
});
