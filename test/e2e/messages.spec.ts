// Targeted messages in the panel: the real backend (Fastify + PGlite) and the real core with its
// message service behind the Node host, the built panel in Chromium. Publishing through the admin
// API shows the message in the panel after "Check now" (the owner's way to skip the poll interval).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BrandingSchema } from '../../common/branding.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import { SigningKeyInfoSchema, type CampaignInputRaw } from '../../common/messages/index.js';
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
const ADMIN = 'ts_admin_messages-e2e-token';

let dir = '';
let store: Store;
let server: FastifyInstance;
let backend = '';
let core: Core;
let host: NodeHost;
const log: string[] = [];

async function publish(campaign: CampaignInputRaw): Promise<void> {
  await publishCampaign(backend, ADMIN, campaign);
}

function campaign(id: string, title: string, body: string): CampaignInputRaw {
  return {
    id,
    name: id,
    category: 'supplies',
    priority: 500,
    schedule: { start: '2025-01-01T00:00', timeZone: 'device' },
    segment: { productLines: ['trayside-demo'], locales: ['en'] },
    rule: { '==': [{ var: 'device.model' }, 'Trayside Demo Printer'] },
    triggers: [{ type: 'app-start' }],
    // No global interval in this spec's policy, but each campaign has its own caps.
    caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 },
    defaultLocale: 'en',
    variants: [{ id: 'a', weight: 1, content: { en: { title, body } } }],
  };
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = await mkdtemp(join(tmpdir(), 'trayside-messages-e2e-'));
  store = await openStore({ dataDir: join(dir, 'pglite') });
  await store.addToken(hashToken(ADMIN), 'admin', 'messages e2e', new Date());
  server = await buildServer({ store, logLevel: 'silent', versionRefreshMs: 0 });
  backend = await server.listen({ host: '127.0.0.1', port: 0 });
  const key = SigningKeyInfoSchema.parse(await (await fetch(new URL('/v1/signing-key', backend))).json());
  core = createCore({
    appInfo: { name: 'Trayside', version: '0.0.0-e2e', host: 'node', platform: process.platform },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: systemClock, speed: 0 })])],
    settingsStorage: memorySettingsStorage({ locale: 'en' }),
    clock: systemClock,
    timers: systemTimers,
    log: (message) => log.push(message),
    branding: BrandingSchema.parse({
      name: 'Trayside',
      backendUrl: backend,
      signingKeys: [key.publicKey],
      productLine: 'trayside-demo',
      allowedLinkHosts: ['store.example.com'],
    }),
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

test('publish → the message appears in the panel; opening it shows the body and marks it read', async ({ page }) => {
  await page.goto(host.url);
  const messages = page.getByRole('region', { name: /Messages/ });
  await expect(messages.getByText('No messages.')).toBeVisible();
  await expect(page.getByTestId('messages-status')).toHaveText(/^Up to date · checked \d{1,2}:\d{2}/);

  await publish(campaign('e2e-welcome', 'Cyan is running low', 'Order an **805XL** from [our store](https://store.example.com/805xl).'));
  await messages.getByRole('button', { name: 'Check now' }).click();

  const entry = page.getByRole('article', { name: 'Cyan is running low' });
  await expect(entry).toBeVisible();
  await expect(messages.getByLabel('1 unread')).toBeVisible();
  await entry.getByRole('button', { name: /Cyan is running low/ }).click();
  await expect(entry.locator('strong')).toHaveText('805XL');
  await expect(entry.getByRole('link', { name: 'our store' })).toHaveAttribute('href', 'https://store.example.com/805xl');
  await expect(messages.getByLabel('1 unread')).toHaveCount(0);

  await entry.getByRole('button', { name: 'Dismiss' }).click();
  await expect(entry).toHaveCount(0);
});

test('a campaign full of markup renders as text: no script runs, nothing is injected', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const title = '<img src=x onerror="window.__naughty=1;alert(1)">';
  const body =
    '<script>alert(2)</script>\n\n[click](javascript:alert(3)) [x](https://evil.example.net/) <iframe src="https://evil.example.net"></iframe> {{constructor.constructor("alert(4)")()}}';
  await publish(campaign('e2e-naughty', title, body));
  await page.goto(host.url);
  await page
    .getByRole('region', { name: /Messages/ })
    .getByRole('button', { name: 'Check now' })
    .click();
  const entry = page.getByRole('article', { name: title });
  await expect(entry).toBeVisible();
  await entry.getByRole('button', { name: title }).click();
  await expect(entry.getByText('<script>alert(2)</script>')).toBeVisible();
  const injected = await page.evaluate(() => ({
    elements: document.querySelectorAll('.messages img, .messages script, .messages iframe, .messages a').length,
    flag: (window as unknown as { __naughty?: number }).__naughty,
  }));
  expect(injected).toEqual({ elements: 0, flag: undefined });
  expect(dialogs).toEqual([]);
});
