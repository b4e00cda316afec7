// The owner's side of diagnostics, in Chromium through the Node host: the demo printer has a paper
// jam, the owner opens Get help, captures, sees serials removed (and can keep them), reviews the
// exact text, saves it to a file, sends it to the real backend (POST /v1/diagnostics on a PGlite
// store) with a yes for this one upload, reads the case code, and deletes the upload by it.
// Screenshots at 360 px wide and at 200 % zoom go to test-results/diagnostics/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { BrandingSchema } from '../../common/branding.js';
import { parseBundle } from '../../common/diagnostics/bundle.js';
import { parseCaseCode } from '../../common/diagnostics/case-code.js';
import { systemClock } from '../../common/lifecycle.js';
import { createAppLogger } from '../../core/logging/app-logger.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { expect, test } from './harness.js';

const SERIAL = 'TS-DEMO-0001';
const SHOTS = 'test-results/diagnostics';

let dataDir = '';
let server: TestServer | undefined;
test.afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
});

/** Log lines an earlier run left, as the app logger writes them, with the serial and a home path in them. */
async function seedLogs(dir: string): Promise<void> {
  const logger = createAppLogger({ dir: join(dir, 'logs'), clock: systemClock });
  logger.log(`devices: simulated:${SERIAL} answered; settings in /home/alice/.trayside`);
  logger.write('warn', 'devices', `paper jam reported by ${SERIAL}`);
  await logger.close();
}

async function openHelp(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Get help' }).click();
  await expect(page.getByRole('dialog', { name: 'Get help' })).toBeVisible();
}

test('capture with the printer jammed, serials removed in the review, export to a file, upload for a case code, delete it', async ({
  page,
  trayside,
  browser,
}) => {
  test.setTimeout(90_000);
  dataDir = mkdtempSync(join(tmpdir(), 'trayside-e2e-diagnostics-'));
  await seedLogs(dataDir);
  server = await startTestServer();
  const branding = BrandingSchema.parse({
    name: 'Trayside',
    backendUrl: server.url,
    signingKeys: [await server.publicKey()],
    productLine: 'trayside-demo',
    supportUrl: 'https://support.example.com/trayside',
  });
  const app = await trayside({ core: { dataDir, branding, features: { messages: false, events: false } } });
  app.printer.setCondition('media-jam', true);
  await app.core.monitor.refresh(app.core.monitor.snapshots()[0]!.id);

  await page.goto(app.url);
  await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toContainText('Paper jam');
  await openHelp(page);
  const help = page.getByRole('dialog', { name: 'Get help' });
  await expect(help).toContainText('https://support.example.com/trayside');
  await help.getByRole('button', { name: 'Capture diagnostics' }).click();

  const serials = help.getByRole('checkbox', { name: /Remove serial numbers \(\d+ found\)/ });
  await expect(serials).toBeChecked();
  await expect(help.getByRole('checkbox', { name: /Remove user names in folder paths \(1 found\)/ })).toBeChecked();
  await expect(help).toContainText(/Size: [\d.]+ KB \([\d.]+ (KB|bytes) when sent compressed\)/);

  await help.getByText('Review the exact text').click();
  const text = help.getByLabel('Bundle text');
  await expect(text).toContainText('<serial-1>');
  await expect(text).toContainText('media-jam');
  await expect(text).toContainText('paper jam reported by <serial-1>');
  await expect(text).toContainText('/home/<user-1>/.trayside');
  await expect(text).not.toContainText(SERIAL);

  // Keeping serials puts them back in the text; removing them again takes them out.
  // (The box follows the app's answer, so click and wait for it rather than check(), which wants the change at once.)
  await serials.click();
  await expect(serials).not.toBeChecked();
  await expect(text).toContainText(SERIAL);
  await serials.click();
  await expect(serials).toBeChecked();
  await expect(text).not.toContainText(SERIAL);
  const reviewed = await text.textContent();

  await help.getByRole('button', { name: 'Save to a file' }).click();
  const saved = help.getByRole('status').filter({ hasText: 'Saved to' });
  await expect(saved).toBeVisible();
  const path = (await saved.textContent())!.replace(/^Saved to\s*/, '').trim();
  const file = readFileSync(path, 'utf8');
  expect(file).toBe(reviewed);
  expect(file).not.toContain(SERIAL);
  const parsed = parseBundle(file);
  expect(parsed.ok && parsed.bundle.errors.some((error) => error.code === 'media-jam')).toBe(true);

  // Consent is "none": the app asks for a yes for this one upload.
  await help.getByRole('button', { name: 'Send to support' }).click();
  await expect(help.getByRole('group', { name: 'Confirm this upload' })).toContainText(
    `Send this one bundle, exactly as shown, to ${server.url}?`,
  );
  await help.getByRole('button', { name: 'Yes, send it once' }).click();
  const caseCode = help.locator('.case-code');
  await expect(caseCode).toBeVisible({ timeout: 15_000 });
  const code = (await caseCode.getAttribute('data-case-code'))!;
  expect(parseCaseCode(code)).toEqual({ ok: true, code });
  await expect(help).toContainText(`${code}, read as`);
  await shoot(browser, app.url, 'case-code', false);

  await help.getByRole('button', { name: 'Delete this upload' }).click();
  await help.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(help.getByRole('status').filter({ hasText: `Case ${code} deleted from the support server.` })).toBeVisible();
  await expect(help.locator('.case-code')).toHaveCount(0);
  // Gone on the server too: a second delete with any token finds nothing.
  const again = await fetch(new URL(`/v1/diagnostics/${code}`, server.url), {
    method: 'DELETE',
    headers: { authorization: 'Bearer 0123456789abcdef0123' },
  });
  expect(again.status).toBe(404);

  // Escape closes the view and gives focus back to the button.
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Get help' })).toBeFocused();

  // Last: each shot captures anew, which makes the first page's review stale.
  await shoot(browser, app.url, 'review', true);
});

test('repro mode counts down and stops', async ({ page, trayside }) => {
  dataDir = mkdtempSync(join(tmpdir(), 'trayside-e2e-repro-'));
  const app = await trayside({ core: { dataDir, features: { messages: false, events: false } } });
  await page.goto(app.url);
  await openHelp(page);
  const help = page.getByRole('dialog', { name: 'Get help' });
  await help.getByRole('button', { name: 'Record while I reproduce the problem (15 min)' }).click();
  await expect(help.getByRole('timer')).toHaveText(/^1[45]:\d\d left$/);
  await help.getByRole('button', { name: 'Stop recording' }).click();
  await expect(help.getByRole('button', { name: 'Record while I reproduce the problem (15 min)' })).toBeVisible();
});

/**
 * The help view at 360 px and at 200 % zoom (the 380 px panel then lays out in 190 CSS px): a
 * second page on the same app (capturing anew when `capture`), screenshotted; nothing may scroll sideways.
 */
async function shoot(browser: Browser, url: string, name: string, capture: boolean): Promise<void> {
  for (const view of [
    { name: '360px', viewport: { width: 360, height: 900 }, deviceScaleFactor: 1 },
    { name: '200pct', viewport: { width: 190, height: 900 }, deviceScaleFactor: 2 },
  ]) {
    const context = await browser.newContext({ viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
    try {
      const page = await context.newPage();
      await page.goto(url);
      await openHelp(page);
      const help = page.getByRole('dialog', { name: 'Get help' });
      if (capture) {
        await help.getByRole('button', { name: /Capture/ }).click();
        await expect(help.getByRole('checkbox').first()).toBeVisible();
        await help.getByText('Review the exact text').click();
      } else {
        await expect(help.locator('.case-code')).toBeVisible();
      }
      await page.screenshot({ path: `${SHOTS}/${name}-${view.name}.png` });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${view.name}`).toBeLessThanOrEqual(
        view.viewport.width,
      );
      expect(
        await help.evaluate((element) => element.scrollWidth - element.clientWidth),
        `${name} at ${view.name}: the help view scrolls sideways`,
      ).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  }
}
