// "Reorder buttons and store links" (issue 13), in Chromium through the Node host against the real
// backend: the switch in the preference center turned off by keyboard hides the gauge's Order
// button, the message's reorder buttons and its store link (the message keeps its text), the core
// refuses a reorder the page asks for anyway, naming the setting; turned on again, all come back.
// A screenshot of the preference center at 360 px goes to test-results/store-links/.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { BrandingSchema } from '../../common/branding.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { demoCampaign, publishCampaign } from './campaigns.js';
import { expect, test } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const SHOTS = 'test-results/store-links';
const ADMIN = 'ts_admin_store-links-e2e';

let server: TestServer;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startTestServer({ versionRefreshMs: 0 }, { adminToken: ADMIN });
  // A message whose only action is a reorder, and whose body links to the store.
  const campaign = demoCampaign('store-links-cyan', 'Cyan low (store links e2e)', {
    title: 'Cyan is running low',
    body: 'Your cyan will run out soon. See [our store](https://shop.example.com/805xl).',
    actions: [{ type: 'reorder', label: 'Order cyan', supplyColor: 'cyan', quantity: 1 }],
  });
  await publishCampaign(server.url, ADMIN, campaign);
});
test.afterAll(async () => {
  await server?.close();
});

async function setSwitchByKeyboard(page: Page, on: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Privacy and messages' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Privacy and messages' });
  await expect(dialog).toBeVisible();
  const toggle = dialog.getByRole('switch', { name: 'Reorder buttons and store links' });
  await expect(toggle).toBeChecked({ checked: !on });
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).toBeChecked({ checked: on });
  await expect(toggle).toHaveAccessibleDescription(/supply alerts still reach you\. Your choice\.$/);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

test('the switch turned off by keyboard hides Order, reorder and store links and the core refuses them; on again brings them back', async ({
  page,
  trayside,
}) => {
  test.setTimeout(90_000);
  const demo = JSON.parse(await readFile(resolve(root, 'assets/branding/demo.json'), 'utf8')) as object;
  const branding = BrandingSchema.parse({ ...demo, backendUrl: server.url, signingKeys: [await server.publicKey()] });
  const app = await trayside({
    printers: [{ levels: { cyan: 5 } }],
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
  await page.goto(app.url);
  const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
  const order = card.getByRole('button', { name: 'Order Cyan ink (TS-805XL-C)' });
  await expect(order).toBeVisible();
  const message = page.getByRole('article', { name: 'Cyan is running low' });
  await expect(message).toBeVisible({ timeout: 15_000 });
  await message.getByRole('button', { name: /Cyan is running low/ }).click();
  await expect(message.getByRole('button', { name: 'Order cyan' })).toBeVisible();
  await expect(message.getByRole('link', { name: 'our store' })).toBeVisible();

  // The default is on, its own switch; the preference center at 360 px with it.
  await page.setViewportSize({ width: 360, height: 1400 });
  await page.getByRole('button', { name: 'Privacy and messages' }).click();
  const dialog = page.getByRole('dialog', { name: 'Privacy and messages' });
  const toggle = dialog.getByRole('switch', { name: 'Reorder buttons and store links' });
  await expect(toggle).toBeChecked();
  await expect(toggle).toHaveAccessibleDescription(/^Shows an Order button on low supplies.*The manufacturer's default\.$/);
  await toggle.scrollIntoViewIfNeeded();
  const section = dialog.getByRole('region', { name: 'Reorder and store' });
  await section.screenshot({ path: `${SHOTS}/store-links-switch-360px.png` });
  await page.screenshot({ path: `${SHOTS}/preference-center-360px.png` });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 380, height: 560 });

  await setSwitchByKeyboard(page, false);
  await expect(order).toHaveCount(0);
  await expect(message.getByRole('button', { name: 'Order cyan' })).toHaveCount(0);
  await expect(message.getByRole('button', { name: 'Add to cart' })).toHaveCount(0);
  await expect(message.getByRole('link', { name: 'our store' })).toHaveCount(0);
  // The message keeps its text, and the supply alert is still there.
  await expect(message).toContainText('Your cyan will run out soon. See our store.');
  await expect(card).toContainText(/Cyan ink/);

  // The renderer is not trusted: a reorder asked for through the contract is refused by the core.
  const refused = await page.evaluate(() =>
    window.trayside.actions.reorder({ supplyColor: 'cyan', quantity: 1 }).then(
      () => 'opened',
      (error: unknown) => String((error as Error).message),
    ),
  );
  expect(refused).toMatch(/"Reorder buttons and store links", setting storeLinks/);
  expect(app.openedUrls()).toEqual([]);

  await setSwitchByKeyboard(page, true);
  await expect(order).toBeVisible();
  await expect(message.getByRole('button', { name: 'Order cyan' })).toBeVisible();
  await expect(message.getByRole('link', { name: 'our store' })).toBeVisible();
});
