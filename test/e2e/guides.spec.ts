// The OEM's help where the problem is, in Chromium through the Node host: the real backend (PGlite)
// publishes the demo campaigns and guides, the app verifies and caches the signed manifest, the demo
// printer jams, and "How to clear a jam in the rear unit" appears beside the jam in the device card
// and in Get help, with its steps; the low cyan brings "Replacing the cyan cartridge" with its
// embedded picture. Screenshots at 360 px and at 200 % zoom go to test-results/guides/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { BrandingSchema } from '../../common/branding.js';
import { seedDemoCampaigns } from '../../server/demo/load.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { expect, test } from './harness.js';

const SHOTS = 'test-results/guides';
const JAM_GUIDE = 'How to clear a jam in the rear unit';

let dataDir = '';
let server: TestServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

test('the demo printer jams: the jam guide shows beside the error and in Get help, steps and all', async ({ page, trayside, browser }) => {
  test.setTimeout(90_000);
  dataDir = mkdtempSync(join(tmpdir(), 'trayside-e2e-guides-'));
  server = await startTestServer();
  await seedDemoCampaigns(server.store, new Date());
  // No image host is allow-listed: the jam guide's picture by URL is dropped (nothing leaves 127.0.0.1), its step stays.
  const branding = BrandingSchema.parse({
    name: 'Trayside',
    backendUrl: server.url,
    signingKeys: [await server.publicKey()],
    productLine: 'trayside-demo',
  });
  const app = await trayside({ core: { dataDir, branding, features: { events: false } } });
  await page.goto(app.url);
  const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
  await expect(card).toBeVisible();
  app.printer.setCondition('media-jam', true);
  app.printer.setLevel('cyan', 8);
  await app.core.monitor.refresh(app.core.monitor.snapshots()[0]!.id);
  await expect(card.locator('details.guide', { hasText: 'Replacing the cyan cartridge' })).toContainText('For: Cyan ink', {
    timeout: 20_000,
  });
  await expect(card).toContainText('Paper jam');
  const guide = card.locator('details.guide', { hasText: JAM_GUIDE });
  await expect(guide).toContainText('For: Paper jam: open the rear door and remove the paper');
  await guide.getByText(JAM_GUIDE).click();
  const steps = guide.getByRole('list', { name: JAM_GUIDE }).getByRole('listitem');
  await expect(steps).toHaveCount(4);
  await expect(steps.nth(0)).toHaveText('Turn the printer off and wait until the print head stops moving.');
  await expect(steps.nth(0).locator('strong')).toHaveText('off');
  await expect(guide.locator('img')).toHaveCount(0);

  await page.getByRole('button', { name: 'Get help' }).click();
  const help = page.getByRole('dialog', { name: 'Get help' });
  const helpGuides = help.getByRole('region', { name: 'Help for what is happening now' });
  await expect(helpGuides.locator('details.guide', { hasText: JAM_GUIDE })).toContainText('Trayside Demo Printer · Paper jam');
  const cyan = helpGuides.locator('details.guide', { hasText: 'Replacing the cyan cartridge' });
  await cyan.getByText('Replacing the cyan cartridge').click();
  const picture = cyan.getByRole('img', { name: 'The cartridge holder with the cyan cartridge in the middle' });
  await expect(picture).toBeVisible();
  expect(await picture.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(0);

  // The jam cleared: its guide goes, the cyan one stays.
  app.printer.setCondition('media-jam', false);
  await app.core.monitor.refresh(app.core.monitor.snapshots()[0]!.id);
  await expect(card.getByText(JAM_GUIDE)).toHaveCount(0);
  await expect(helpGuides.getByText(JAM_GUIDE)).toHaveCount(0);

  app.printer.setCondition('media-jam', true);
  await app.core.monitor.refresh(app.core.monitor.snapshots()[0]!.id);
  await shoot(browser, app.url);
});

/** The card and Get help with the guides open, at 360 px and at 200 % zoom; nothing may scroll sideways. */
async function shoot(browser: Browser, url: string): Promise<void> {
  for (const view of [
    { name: '360px', viewport: { width: 360, height: 1400 }, deviceScaleFactor: 1 },
    { name: '200pct', viewport: { width: 190, height: 1400 }, deviceScaleFactor: 2 },
  ]) {
    const context = await browser.newContext({ viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
    try {
      const page = await context.newPage();
      await page.goto(url);
      const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
      await openGuide(page, card.locator('details.guide', { hasText: JAM_GUIDE }));
      await page.screenshot({ path: `${SHOTS}/card-${view.name}.png`, fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `card at ${view.name}`).toBeLessThanOrEqual(
        view.viewport.width,
      );
      await page.getByRole('button', { name: 'Get help' }).click();
      const help = page.getByRole('dialog', { name: 'Get help' });
      await openGuide(page, help.locator('details.guide', { hasText: 'Replacing the cyan cartridge' }));
      await page.screenshot({ path: `${SHOTS}/help-${view.name}.png`, fullPage: true });
      expect(
        await help.evaluate((element) => element.scrollWidth - element.clientWidth),
        `Get help at ${view.name} scrolls sideways`,
      ).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  }
}

async function openGuide(_page: Page, guide: ReturnType<Page['locator']>): Promise<void> {
  await expect(guide).toBeVisible({ timeout: 20_000 });
  await guide.locator('summary').click();
  await expect(guide.locator('ol')).toBeVisible();
}
