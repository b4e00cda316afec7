// The inbox as an owner handles it: mark all as read, snooze (listed with its time, Unsnooze),
// dismiss with Undo (by keyboard, and surviving a reload), Escape, and a flood of critical
// messages summarised in the notification log. The real core behind the Node host, the built panel
// in Chromium, and a signed manifest served from a plain HTTP server on 127.0.0.1.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { BrandingSchema } from '../../common/branding.js';
import { systemClock, systemTimers } from '../../common/lifecycle.js';
import type { ManifestMessage } from '../../common/messages/index.js';
import { createCore, type Core } from '../../core/core.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { notificationLog } from '../../host/notification-log.js';
import { startNodeHost, type NodeHost } from '../../host/node-host.js';
import { SimulatedPrinter } from '../../native/simulated/printer.js';
import { SimulatedSource } from '../../native/simulated/simulated-source.js';
import { makeTestKey, signManifest, testManifest, testMessage } from '../support/manifests.js';
import { expect, test } from './harness.js';

const root = resolve(import.meta.dirname, '../..');

/** A running app with its own manifest server; everything is stopped by `close`. */
interface App {
  url: string;
  log: string[];
  core: Core;
  close(): Promise<void>;
}

async function startApp(messages: ManifestMessage[]): Promise<App> {
  const key = makeTestKey();
  const envelope = JSON.stringify(signManifest(key, testManifest(Date.now() - 60_000, { messages })));
  const server: Server = createServer((request, response) => {
    if (request.url?.startsWith('/v1/manifests/trayside-demo/'))
      response.writeHead(200, { 'content-type': 'application/json', etag: '"1"' }).end(envelope);
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const backend = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'trayside-inbox-e2e-'));
  const log: string[] = [];
  const core = createCore({
    appInfo: { name: 'Acme Ink', version: '0.0.0-e2e', host: 'node', platform: process.platform },
    sources: [new SimulatedSource([new SimulatedPrinter({ clock: systemClock, speed: 0 })])],
    settingsStorage: memorySettingsStorage({ locale: 'en' }),
    clock: systemClock,
    timers: systemTimers,
    log: (message) => log.push(message),
    notifier: notificationLog((message) => log.push(message)),
    branding: BrandingSchema.parse({
      name: 'Acme Ink',
      backendUrl: backend,
      signingKeys: [key.publicKeyBase64],
      productLine: 'trayside-demo',
    }),
    dataDir: join(dir, 'client'),
    features: { events: false },
    fetch: (target, init) => fetch(target, init),
    environment: { os: 'linux', osVersion: '6.1', appVersion: '0.0.0-e2e', systemLocale: 'en', timeZone: 'UTC' },
    // No interval between normal messages, so every one of a spec arrives at start; the flood limit keeps its default.
    tuning: { messagePolicy: { minIntervalMs: 0, perCategoryPerDay: 100, perCategoryPerWeek: 100 } },
  });
  await core.start();
  const host: NodeHost = await startNodeHost({
    core,
    rendererDir: resolve(root, 'out/renderer'),
    bridgeScript: resolve(root, 'out/renderer/trayside-bridge.js'),
    port: 0,
  });
  return {
    url: host.url,
    log,
    core,
    async close() {
      await host.close();
      await core.close();
      await new Promise((done) => server.close(done));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Critical service messages pass the marketing caps, so all of them reach the inbox at once. */
const critical = (index: number): ManifestMessage =>
  testMessage({
    campaignId: `notice-${index}`,
    category: 'service',
    urgency: 'critical',
    priority: 900 - index,
    caps: { maxImpressions: 1, maxPerDay: 1, cooldownHours: 0 },
    variants: [
      { id: 'a', weight: 1, locale: 'en', content: { title: `Service notice ${index}`, body: `Notice **${index}**.`, actions: [] } },
    ],
  });

let app: App | undefined;
test.afterEach(async () => {
  await app?.close();
  app = undefined;
});

const inbox = (page: Page) => page.getByRole('region', { name: /Messages/ });

test('five critical messages at once: two notifications and "3 more messages from Acme Ink"; the badge counts all five; Mark all as read clears it', async ({
  page,
}) => {
  app = await startApp([0, 1, 2, 3, 4].map(critical));
  await page.goto(app.url);
  await expect(inbox(page).getByLabel('5 unread')).toBeVisible();
  const notifications = () => app!.log.filter((line) => line.startsWith('notification: [message'));
  await expect.poll(notifications).toHaveLength(3);
  expect(notifications().map((line) => line.replace(/^notification: \[message [^\]]+\] /, '').replace(/ — .*/, ''))).toEqual([
    'Service notice 0',
    'Service notice 1',
    '3 more messages from Acme Ink',
  ]);
  expect(app.log.filter((line) => line.startsWith('tray badge:')).at(-1)).toBe('tray badge: 5');

  await inbox(page).getByRole('button', { name: 'Mark all as read' }).click();
  await expect(inbox(page).getByLabel(/unread/)).toHaveCount(0);
  await expect(inbox(page).getByRole('button', { name: 'Mark all as read' })).toHaveCount(0);
  await expect.poll(() => app!.log.filter((line) => line.startsWith('tray badge:')).at(-1)).toBe('tray badge: 0');
  // Read state is the host's, not the page's: a reload shows it the same.
  await page.reload();
  await expect(inbox(page).getByRole('article', { name: 'Service notice 4' })).toBeVisible();
  await expect(inbox(page).getByLabel(/unread/)).toHaveCount(0);
});

test('snooze: the message leaves the inbox, is listed as "Snoozed until tomorrow HH:MM", Undo and Unsnooze bring it back', async ({
  page,
}) => {
  app = await startApp([
    testMessage({
      campaignId: 'cyan-low',
      variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Cyan running low', body: 'Order an 805XL.', actions: [] } }],
    }),
  ]);
  await page.goto(app.url);
  const entry = inbox(page).getByRole('article', { name: 'Cyan running low' });
  await entry.getByRole('button', { name: /Cyan running low/ }).click();
  await entry.getByRole('button', { name: 'Remind me tomorrow' }).click();
  await expect(entry).toHaveCount(0);

  const toast = page.getByTestId('undo-toast');
  await expect(toast).toHaveText(/Snoozed “Cyan running low”/);
  await expect(toast).toHaveAttribute('aria-live', 'polite');
  await expect(toast.getByRole('button', { name: 'Undo' })).toBeFocused();
  const snoozed = inbox(page).getByRole('region', { name: 'Snoozed' });
  await expect(snoozed.getByText(/^Snoozed until tomorrow \d{1,2}:\d{2}/)).toBeVisible();

  await page.keyboard.press('Enter');
  await expect(entry).toBeVisible();
  await expect(snoozed).toHaveCount(0);
  await expect(toast).toBeEmpty();

  // Snoozed again, and brought back from the list instead.
  await entry.getByRole('button', { name: /Cyan running low/ }).click();
  await entry.getByRole('button', { name: 'Remind me tomorrow' }).click();
  await page.reload();
  await expect(entry).toHaveCount(0);
  await snoozed.getByRole('button', { name: 'Unsnooze Cyan running low' }).click();
  await expect(entry).toBeVisible();
});

test('dismiss offers Undo for a few seconds; the Undo is kept by the host (a reload still shows the message); Escape closes the offer', async ({
  page,
}) => {
  app = await startApp([
    testMessage({
      campaignId: 'tip',
      variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Clean the print head', body: 'Monthly.', actions: [] } }],
    }),
    testMessage({
      campaignId: 'offer',
      category: 'supplies',
      priority: 50,
      variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Paper offer', body: '10 % off.', actions: [] } }],
    }),
  ]);
  await page.goto(app.url);
  const tip = inbox(page).getByRole('article', { name: 'Clean the print head' });
  await tip.getByRole('button', { name: /Clean the print head/ }).click();
  await tip.getByRole('button', { name: 'Dismiss' }).click();
  await expect(tip).toHaveCount(0);
  const toast = page.getByTestId('undo-toast');
  await expect(toast).toHaveText(/Dismissed “Clean the print head”/);
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(tip).toBeVisible();
  await page.reload();
  await expect(tip).toBeVisible();

  // Dismissed again: Escape closes the offer (focus goes to the Messages heading), and the dismiss stands.
  await tip.getByRole('button', { name: /Clean the print head/ }).click();
  await tip.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast.getByRole('button', { name: 'Undo' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(toast).toBeEmpty();
  await expect(page.getByRole('heading', { name: /Messages/ })).toBeFocused();
  await page.reload();
  await expect(inbox(page).getByRole('article', { name: 'Paper offer' })).toBeVisible();
  await expect(tip).toHaveCount(0);
});

test('the undo offer ends by itself after a few seconds and the dismiss stays', async ({ page }) => {
  app = await startApp([
    testMessage({
      campaignId: 'tip',
      variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Clean the print head', body: 'Monthly.', actions: [] } }],
    }),
  ]);
  await page.goto(app.url);
  const tip = inbox(page).getByRole('article', { name: 'Clean the print head' });
  await tip.getByRole('button', { name: /Clean the print head/ }).click();
  await tip.getByRole('button', { name: 'Dismiss' }).click();
  const toast = page.getByTestId('undo-toast');
  await expect(toast).toHaveText(/Dismissed/);
  await expect(toast).toBeEmpty({ timeout: 12_000 });
  await expect(inbox(page).getByText('No messages.')).toBeVisible();
});

test('Escape closes the open message, then (nothing open) asks the host to hide the panel, which the Node host answers "nothing to hide"', async ({
  page,
}) => {
  app = await startApp([
    testMessage({
      campaignId: 'tip',
      variants: [{ id: 'a', weight: 1, locale: 'en', content: { title: 'Clean the print head', body: 'Monthly.', actions: [] } }],
    }),
  ]);
  await page.goto(app.url);
  const summary = inbox(page).getByRole('button', { name: /Clean the print head/ });
  await summary.click();
  await expect(summary).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect(summary).toHaveAttribute('aria-expanded', 'false');
  await expect(summary).toBeFocused();
  const hide = () => (window as unknown as { trayside: { app: { hidePanel(): Promise<{ hidden: boolean }> } } }).trayside.app.hidePanel();
  expect(await page.evaluate(hide)).toEqual({ hidden: false });
  await page.keyboard.press('Escape');
  await expect(summary).toBeVisible();
});

test('at 360 px and at 200 % zoom the inbox tools, the undo offer and the snoozed list fit without sideways scrolling', async ({
  page,
}, testInfo) => {
  app = await startApp([0, 1, 2].map(critical));
  for (const [name, viewport] of [
    ['360px', { width: 360, height: 640 }],
    // A 360 px window at 200 % zoom lays out like a 180 px one.
    ['200pct', { width: 180, height: 320 }],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.goto(app.url);
    const entry = inbox(page).getByRole('article').first();
    await entry.getByRole('button').first().click();
    await entry.getByRole('button', { name: 'Remind me tomorrow' }).click();
    await expect(page.getByTestId('undo-toast')).toHaveText(/Snoozed/);
    await expect(inbox(page).getByRole('region', { name: 'Snoozed' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `sideways overflow at ${name}`).toBeLessThanOrEqual(0);
    await inbox(page).scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath(`inbox-${name}.png`), fullPage: true });
    await inbox(page)
      .getByRole('button', { name: /^Unsnooze/ })
      .click();
    await expect(inbox(page).getByRole('region', { name: 'Snoozed' })).toHaveCount(0);
  }
});
