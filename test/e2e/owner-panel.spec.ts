// The owner's first hour, in Chromium through the Node host: reorder from the gauge,
// the status line with several problems, and — with a real backend delivering a message — bullets
// in its body, "Add to cart" feedback, Escape closing the cart, and the feedback thank-you.
// Screenshots at 360 px wide and at 200 % zoom go to test-results/owner-panel/.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import { BrandingSchema, type Branding } from '../../common/branding.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { demoCampaign, publishCampaign } from './campaigns.js';
import { expect, test, type LaunchOptions, type Trayside } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const SHOTS = 'test-results/owner-panel';
const ADMIN = 'ts_admin_owner-panel-e2e';

/** The bundled demo branding (its store is shop.example.com for the US), optionally pointed at a backend. */
async function demoBranding(patch: Partial<Branding> = {}): Promise<Branding> {
  const demo = JSON.parse(await readFile(resolve(root, 'assets/branding/demo.json'), 'utf8')) as object;
  return BrandingSchema.parse({ ...demo, productLine: 'trayside-demo', ...patch });
}

/** The store's pages answer locally, so the tab the panel opens never leaves the machine. */
async function fakeStore(page: Page): Promise<string[]> {
  const visited: string[] = [];
  await page.context().route(/^https:\/\/shop\.example\.(com|de|co\.uk)\//, async (route) => {
    visited.push(route.request().url());
    await route.fulfill({ contentType: 'text/html', body: '<title>Store</title>' });
  });
  return visited;
}

/**
 * A 360 px-wide panel, and the 380 px panel at 200 % zoom (what Chromium does then: half the CSS
 * pixels across, twice the device pixels per CSS pixel). Width is what reflows; the views are
 * tall so the screenshot holds the whole part instead of what the scrolling body shows of it.
 */
const VIEWS = [
  { name: '360px', viewport: { width: 360, height: 1000 }, deviceScaleFactor: 1 },
  { name: '200pct', viewport: { width: 190, height: 1000 }, deviceScaleFactor: 2 },
] as const;

/** Opens the panel in each view, brings it to the state `prepare` returns the part of, and screenshots that part. */
async function shootInViews(browser: Browser, url: string, name: string, prepare: (page: Page) => Promise<Locator>): Promise<void> {
  for (const view of VIEWS) {
    const context = await browser.newContext({ viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
    try {
      const page = await context.newPage();
      await page.goto(url);
      const target = await prepare(page);
      await target.scrollIntoViewIfNeeded();
      await target.screenshot({ path: `${SHOTS}/${name}-${view.name}.png` });
      // Nothing may stick out sideways: no horizontal scrolling of the panel.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${view.name}`).toBeLessThanOrEqual(
        view.viewport.width,
      );
    } finally {
      await context.close();
    }
  }
}

test.describe('the device card', () => {
  test('a low ink offers "Order"; pressing it opens the store page for exactly that part', async ({ browser, page, trayside }) => {
    const app = await trayside({
      printers: [{ levels: { cyan: 5 } }],
      core: { branding: await demoBranding(), settingsStorage: memorySettingsStorage({ region: 'US', locale: 'en' }) },
    });
    const visited = await fakeStore(page);
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    const order = card.getByRole('button', { name: 'Order Cyan ink (TS-805XL-C)' });
    await expect(order).toBeVisible();
    // Only the supply that needs it: black at 64 % has nothing to order.
    await expect(card.getByRole('button', { name: /^Order Black ink/ })).toHaveCount(0);
    await shootInViews(browser, app.url, 'device-card-low', async (view) => {
      const shown = view.getByRole('article', { name: 'Trayside Demo Printer' });
      await expect(shown.getByRole('button', { name: 'Order Cyan ink (TS-805XL-C)' })).toBeVisible();
      return shown;
    });

    // Keyboard: the button is in the tab order and Enter presses it.
    await order.focus();
    const popup = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    await expect.poll(() => app.openedUrls()).toHaveLength(1);
    const url = new URL(app.openedUrls()[0]!);
    expect(`${url.origin}${url.pathname}`).toBe('https://shop.example.com/en-US/supplies/TS-805XL-C');
    expect(url.searchParams.get('qty')).toBe('1');
    await (await popup).waitForLoadState();
    expect(visited.map((visit) => new URL(visit).pathname)).toEqual(['/en-US/supplies/TS-805XL-C']);
    await expect(card.getByText('Opened the store page in your browser.')).toBeVisible();
  });

  test('a nearly full waste box offers "Replace"; a refused link says why next to the button', async ({ page, trayside }) => {
    const branding = await demoBranding();
    // A store template on a host the store does not list: the core refuses to open it.
    branding.store!.regions.US!.urlTemplate = 'https://elsewhere.example.net/{part}';
    const app = await trayside({
      printers: [{ levels: { waste: 95 } }],
      core: { branding, settingsStorage: memorySettingsStorage({ region: 'US' }) },
    });
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    await card.getByRole('button', { name: 'Replace Waste ink box (TS-WB10)' }).click();
    const row = card.getByRole('listitem').filter({ hasText: 'Waste ink box' });
    await expect(row.getByRole('alert')).toHaveText(
      "elsewhere.example.net is not one of the manufacturer's stores, so Trayside did not open it.",
    );
    expect(app.openedUrls()).toEqual([]);
  });

  test('the status line with three problems counts them, names the worst and lists the rest', async ({ page, trayside }) => {
    const app = await trayside({ printers: [{ levels: { cyan: 6 } }] });
    app.printer.setCondition('media-jam', true);
    app.printer.setCondition('door-open', true);
    await app.core.monitor.refresh(app.printer.id);
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    const status = card.locator('[aria-live="polite"]');
    await expect(status).toHaveText('Error: Paper jam · 2 more: door open, cyan ink low (6\u00a0%)');

    // The whole list, with what to do, opens under the line; Escape folds it back.
    const toggle = card.getByRole('button', { name: 'All 3 problems' });
    await toggle.click();
    const list = card.getByRole('list').filter({ hasText: 'Door open: close the front cover' });
    await expect(list.getByRole('listitem')).toHaveText([
      'Paper jam: open the rear door and remove the paper',
      'Door open: close the front cover',
      'Cyan ink low (6\u00a0%)',
    ]);
    await card.screenshot({ path: `${SHOTS}/status-three-problems.png` });
    await page.keyboard.press('Escape');
    await expect(list).toBeHidden();
    await expect(card.getByRole('button', { name: 'All 3 problems' })).toBeFocused();
  });
});

test.describe('a message from the backend', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startTestServer({ versionRefreshMs: 0 }, { adminToken: ADMIN });
    const campaign = demoCampaign('owner-cyan', 'Cyan low (owner e2e)', {
      title: 'Cyan is running low',
      body: 'Before it runs out:\n\n- order the **805XL** cyan\n- keep one spare',
      actions: [
        { type: 'reorder', label: 'Order cyan', supplyColor: 'cyan', quantity: 1 },
        { type: 'feedback', label: 'Was this useful?', kind: 'thumbs' },
      ],
    });
    await publishCampaign(server.url, ADMIN, campaign);
  });
  test.afterAll(async () => {
    await server?.close();
  });

  /** Starts Trayside on this backend, with sharing usage data at its default (off). */
  async function startOnBackend(trayside: (options?: LaunchOptions) => Promise<Trayside>): Promise<Trayside> {
    const branding = await demoBranding({ backendUrl: server.url, signingKeys: [await server.publicKey()] });
    return trayside({
      core: {
        branding,
        settingsStorage: memorySettingsStorage({ region: 'US', locale: 'en' }),
        dataDir: test.info().outputDir,
        features: { events: false },
        fetch: (target, init) => fetch(target, init),
        environment: { os: 'linux', osVersion: '6.1', appVersion: '0.0.0-e2e', systemLocale: 'en', timeZone: 'UTC' },
        tuning: { messagePolicy: { minIntervalMs: 0, perCategoryPerDay: 100, perCategoryPerWeek: 100 } },
      },
    });
  }

  /** Waits for the message in the panel and opens it. */
  async function openMessage(page: Page): Promise<Locator> {
    const message = page.getByRole('article', { name: 'Cyan is running low' });
    await expect(message).toBeVisible({ timeout: 15_000 });
    await message.getByRole('button', { name: /Cyan is running low/ }).click();
    return message;
  }

  test('its list has bullets; "Add to cart" says so next to the button; Escape closes the cart, then the message', async ({
    page,
    trayside,
  }) => {
    const app = await startOnBackend(trayside);
    await page.goto(app.url);
    const message = await openMessage(page);
    const item = message.getByRole('listitem').filter({ hasText: 'keep one spare' });
    await expect(item).toBeVisible();
    expect(await item.evaluate((element) => getComputedStyle(element).listStyleType)).toBe('disc');
    // The bullet is drawn inside the message, not cut off at its left edge.
    const [itemLeft, bodyLeft] = await item.evaluate((element) => [
      element.getBoundingClientRect().left,
      element.closest('.message-body')!.getBoundingClientRect().left,
    ]);
    expect(itemLeft! - bodyLeft!).toBeGreaterThanOrEqual(12);

    // A long inbox: the cart must not end up below it, out of sight.
    await page.evaluate(() => {
      const filler = document.createElement('div');
      filler.style.height = '1500px';
      document.querySelector('.messages')!.append(filler);
    });
    await message.getByRole('button', { name: 'Add to cart' }).click();
    // Feedback next to the button, and the cart bar in view at the same time.
    const added = message.getByRole('status').filter({ hasText: 'Added' });
    await expect(added).toHaveText('Added — 1 in cart. View cart');
    await expect(added).toBeInViewport();
    const cart = page.getByRole('region', { name: /Reorder cart/ });
    const toggle = cart.getByRole('button', { name: /Reorder cart \(1 item\)/ });
    await expect(toggle).toBeInViewport();
    await page.screenshot({ path: `${SHOTS}/added-to-cart.png` });

    await added.getByRole('button', { name: 'View cart' }).click();
    await expect(cart.getByText('TS-805XL-C', { exact: true })).toBeInViewport();
    await expect(cart).toBeFocused();
    await page.screenshot({ path: `${SHOTS}/cart-open.png` });

    // The message was opened first, the cart last: Escape closes the cart, then the message.
    await page.keyboard.press('Escape');
    await expect(cart.getByText('TS-805XL-C', { exact: true })).toBeHidden();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(toggle).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(message.getByRole('button', { name: 'Add to cart' })).toHaveCount(0);
    await expect(message.getByRole('button', { name: /Cyan is running low/ })).toBeFocused();
  });

  test('thumbs are drawn icons; the thank-you says the answer was not sent while sharing is off', async ({ browser, page, trayside }) => {
    const app = await startOnBackend(trayside);
    const thank = async (view: Page): Promise<Locator> => {
      const message = await openMessage(view);
      const up = message.getByRole('button', { name: 'Thumbs up' });
      await expect(up.locator('svg')).toBeVisible();
      await up.click();
      await expect(message.getByRole('status').filter({ hasText: 'Thanks' })).toHaveText(
        'Thanks. Your answer was not sent: sharing usage data is off.',
      );
      return message;
    };
    await page.goto(app.url);
    await thank(page);
    await shootInViews(browser, app.url, 'feedback-thanks', thank);
  });
});
