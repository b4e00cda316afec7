// axe-core over every state of the panel a person can reach, in the light and the dark scheme:
// zero violations. A failure lists each rule with its impact and the elements it found, so the
// report says what to fix without opening a trace.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { AxeResults, Result } from 'axe-core';
import { BrandingSchema, type Branding } from '../../common/branding.js';
import { memorySettingsStorage } from '../../core/settings-service.js';
import { startTestServer, type TestServer } from '../support/test-backend.js';
import { demoCampaign, publishCampaign } from './campaigns.js';
import { expect, test } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const ADMIN = 'ts_admin_accessibility-e2e';
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Elements named per rule; past this many the rest are counted, so one broken colour does not bury the report. */
const NODES_PER_RULE = 4;

/**
 * One line per element: "color-contrast (serious) .messages__badge: Element has insufficient color
 * contrast of 2.48 (…)" — the rule, where, and axe's reason; the rule's help text after its last element.
 */
function describeViolation(violation: Result): string[] {
  const lines = violation.nodes.slice(0, NODES_PER_RULE).map((node) => {
    const reason = [...node.any, ...node.all, ...node.none][0]?.message ?? violation.help;
    return `${violation.id} (${violation.impact ?? 'no impact given'}) ${node.target.join(' ')}: ${reason}`;
  });
  const more = violation.nodes.length - NODES_PER_RULE;
  if (more > 0) lines.push(`${violation.id}: … and ${more} more element${more === 1 ? '' : 's'}`);
  lines.push(`${violation.id}: ${violation.help} (${violation.helpUrl})`);
  return lines;
}

/**
 * Runs axe over the page as it is now, in the light and then the dark scheme. Soft, so one run
 * reports every state that fails, each named.
 */
async function expectNoViolations(page: Page, state: string): Promise<void> {
  // Evaluated through the DevTools protocol, as @axe-core/playwright does: the panel's CSP (script-src 'self') stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await page.evaluate(() =>
      (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
        resultTypes: ['violations'],
      }),
    );
    expect.soft(results.violations.flatMap(describeViolation), `axe on "${state}" in the ${colorScheme} scheme`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}

/** WCAG contrast ratio of an element's text colour on its own (opaque) background colour. */
async function contrastOf(element: Locator): Promise<number> {
  const [text, background] = await element.evaluate((node) => {
    const style = getComputedStyle(node);
    return [style.color, style.backgroundColor];
  });
  const luminance = (css: string): number => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((channel) => {
      const value = Number(channel) / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [lighter, darker] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (lighter! + 0.05) / (darker! + 0.05);
}

async function demoBranding(patch: Partial<Branding> = {}): Promise<Branding> {
  const demo = JSON.parse(await readFile(resolve(root, 'assets/branding/demo.json'), 'utf8')) as object;
  return BrandingSchema.parse({ ...demo, productLine: 'trayside-demo', ...patch });
}

test.describe('the panel has no axe violations', () => {
  test('a printer that is fine, then notifications paused', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    await expect(page.getByRole('article', { name: 'Trayside Demo Printer' })).toContainText('Ready');
    await expectNoViolations(page, 'all good');

    const pause = page.getByRole('button', { name: 'Pause 1 h', exact: true });
    await expect(pause).toHaveAccessibleDescription('Pause notifications for 1 hour');
    await pause.click();
    await expect(page.getByText(/Notifications paused until/)).toBeVisible();
    await expectNoViolations(page, 'notifications paused');
  });

  test('supplies to order, a refused store link, and every problem listed', async ({ page, trayside }) => {
    const branding = await demoBranding();
    // A store template on a host the store does not list: the panel shows the refusal next to the button.
    branding.store!.regions.US!.urlTemplate = 'https://elsewhere.example.net/{part}';
    const app = await trayside({
      printers: [{ levels: { cyan: 5, black: 0, waste: 95 } }],
      core: { branding, settingsStorage: memorySettingsStorage({ region: 'US', locale: 'en' }) },
    });
    app.printer.setCondition('media-jam', true);
    app.printer.setCondition('door-open', true);
    await app.core.monitor.refresh(app.printer.id);
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    await expect(card.getByRole('button', { name: 'Order Cyan ink (TS-805XL-C)' })).toBeVisible();
    await expectNoViolations(page, 'low and empty supplies with errors');

    await card.getByRole('button', { name: 'Replace Waste ink box (TS-WB10)' }).click();
    await expect(card.getByRole('alert')).toContainText('did not open it');
    await card.getByRole('button', { name: /^All \d problems$/ }).click();
    await expect(card.getByText('Door open: close the front cover')).toBeVisible();
    await expectNoViolations(page, 'refused link and the problem list');
  });

  test('a printer that stops answering, then Trayside itself gone', async ({ page, trayside }) => {
    const app = await trayside();
    await page.goto(app.url);
    const card = page.getByRole('article', { name: 'Trayside Demo Printer' });
    app.printer.setResponsive(false);
    await app.core.monitor.refresh(app.printer.id);
    await expect(card).toContainText('Not responding');
    await expectNoViolations(page, 'device not responding');

    await app.stop();
    await expect(page.getByRole('alert')).toContainText("Can't reach Trayside");
    await expectNoViolations(page, 'Trayside unreachable');
  });

  test('no device connected', async ({ page, trayside }) => {
    const app = await trayside({ printers: [] });
    await page.goto(app.url);
    await expect(page.getByText('No device connected')).toBeVisible();
    await expectNoViolations(page, 'no device');
  });

  test('Get help, before and after capturing diagnostics', async ({ page, trayside }) => {
    const app = await trayside({
      core: {
        dataDir: test.info().outputDir,
        branding: await demoBranding({ supportUrl: 'https://support.example.com/trayside' }),
        features: { messages: false, events: false },
      },
    });
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Get help' }).click();
    const help = page.getByRole('dialog', { name: 'Get help' });
    await expect(help).toBeVisible();
    await expectNoViolations(page, 'Get help');

    await help.getByRole('button', { name: 'Capture diagnostics' }).click();
    await expect(help).toContainText(/Size: [\d.]+ KB/);
    await help.getByText('Review the exact text').click();
    await expect(help.getByLabel('Bundle text')).toBeVisible();
    await expectNoViolations(page, 'diagnostics captured, text under review');
  });

  test.describe('with messages', () => {
    let server: TestServer;
    test.beforeAll(async () => {
      test.setTimeout(120_000);
      server = await startTestServer({ versionRefreshMs: 0 }, { adminToken: ADMIN });
      const campaign = demoCampaign('a11y-cyan', 'Cyan low (accessibility e2e)', {
        title: 'Cyan is running low',
        body: 'Before it runs out:\n\n- order the **805XL** cyan\n- keep one spare',
        actions: [
          { type: 'reorder', label: 'Order cyan', supplyColor: 'cyan', quantity: 1 },
          {
            type: 'feedback',
            label: 'Tell us',
            kind: 'survey',
            questions: [
              { id: 'quality', text: 'How happy are you with the print quality?', choices: ['Very', 'Somewhat', 'Not really'] },
              { id: 'improve', text: 'What should we improve?', maxLength: 200 },
            ],
          },
        ],
      });
      await publishCampaign(server.url, ADMIN, campaign);
    });
    test.afterAll(async () => {
      await server?.close();
    });

    test('the inbox with an unread message, the message open, a survey with errors, the cart, snoozed with Undo', async ({
      page,
      trayside,
    }) => {
      const app = await trayside({
        core: {
          branding: await demoBranding({ backendUrl: server.url, signingKeys: [await server.publicKey()] }),
          settingsStorage: memorySettingsStorage({
            region: 'US',
            locale: 'en',
            messageCategories: { supplies: true, service: true, tips: false, offers: false, surveys: true },
          }),
          dataDir: test.info().outputDir,
          features: { events: false },
          fetch: (target, init) => fetch(target, init),
          environment: { os: 'linux', osVersion: '6.1', appVersion: '0.0.0-e2e', systemLocale: 'en', timeZone: 'UTC' },
          tuning: { messagePolicy: { minIntervalMs: 0, perCategoryPerDay: 100, perCategoryPerWeek: 100 } },
        },
      });
      await page.goto(app.url);
      const message = page.getByRole('article', { name: 'Cyan is running low' });
      await expect(message).toBeVisible({ timeout: 15_000 });
      await expect(page.getByLabel('1 unread')).toBeVisible();
      await expectNoViolations(page, 'inbox with one unread message');
      // axe leaves one-character text out of its contrast rule ("too short to tell"), so the count badge is measured here.
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        expect(await contrastOf(page.getByLabel('1 unread')), `unread badge, ${colorScheme} scheme`).toBeGreaterThanOrEqual(4.5);
      }
      await page.emulateMedia({ colorScheme: null });

      await message.getByRole('button', { name: /Cyan is running low/ }).click();
      const form = message.getByRole('form', { name: 'Tell us' });
      await form.getByRole('button', { name: 'Send' }).click();
      await expect(form.getByText('Pick one.')).toBeVisible();
      await expectNoViolations(page, 'message open, survey answered wrongly');

      await message.getByRole('button', { name: 'Add to cart' }).click();
      await message.getByRole('status').filter({ hasText: 'Added' }).getByRole('button', { name: 'View cart' }).click();
      await expect(page.getByRole('region', { name: /Reorder cart/ }).getByText('TS-805XL-C', { exact: true })).toBeVisible();
      await expectNoViolations(page, 'cart open');

      // Escape closes the cart, then the message; snoozing it lists it under Snoozed and offers Undo for a few seconds.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await message.getByRole('button', { name: /Cyan is running low/ }).click();
      await message.getByRole('button', { name: 'Remind me tomorrow' }).click();
      await expect(page.getByTestId('undo-toast')).toHaveText(/Snoozed/);
      await expect(page.getByRole('region', { name: 'Snoozed' })).toBeVisible();
      await expectNoViolations(page, 'message snoozed, with the undo offer');
    });
  });
});
